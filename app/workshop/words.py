"""The workshop UI's interface words in Chinese and English.

Words the reports already define (level, domain, organisation, ...) come from reports/labels.py, so the screen and
the PDF name things alike; only words of the interface itself live here. No page writes a sentence of its own.
"""

from __future__ import annotations

from capability_model.schema import Lang
from reports.labels import word

_UI: dict[str, dict[str, str]] = {
    "app_title": {"zh": "MLOps 能力成熟度评估工作坊", "en": "MLOps maturity workshop"},
    "language": {"zh": "语言", "en": "Language"},
    "lang_zh": {"zh": "中文", "en": "中文"},
    "lang_en": {"zh": "English", "en": "English"},
    "navigate": {"zh": "页面", "en": "Page"},
    "page_start": {"zh": "开始", "en": "Start"},
    "page_interview": {"zh": "访谈", "en": "Interview"},
    "page_dashboard": {"zh": "看板", "en": "Dashboard"},
    "page_evidence": {"zh": "证据", "en": "Evidence"},
    "page_export": {"zh": "导出报告", "en": "Export"},
    "page_audit": {"zh": "变更记录", "en": "Audit trail"},
    "who": {"zh": "我是", "en": "I am"},
    "who_help": {
        "zh": "记录每条答复由谁给出；可输入新名字。",
        "en": "Recorded with every answer you give; type a new name to add one.",
    },
    "live_results": {"zh": "实时结果", "en": "Live results"},
    "no_workshop": {
        "zh": "尚未打开评估。请在“开始”页创建或打开一个评估。",
        "en": "No assessment is open. Create or open one on the Start page.",
    },
    "database": {"zh": "数据库文件", "en": "Database file"},
    "saved_note": {
        "zh": "每次修改立即保存，无需保存按钮。",
        "en": "Every change is saved the moment it is made; there is no save button.",
    },
    # --- start page ---
    "open_existing": {"zh": "打开已有评估", "en": "Open an assessment"},
    "open": {"zh": "打开", "en": "Open"},
    "none_yet": {"zh": "数据库中还没有评估。", "en": "There is no assessment in the database yet."},
    "workshop_line": {
        "zh": "#{id} {organisation} · {scope} · {parts} · 已作答 {answered} · {updated}",
        "en": "#{id} {organisation} · {scope} · {parts} · {answered} answered · {updated}",
    },
    "create_new": {"zh": "新建评估", "en": "Create an assessment"},
    "parts_to_assess": {"zh": "评估部分与版本", "en": "Parts and versions"},
    "version_of": {"zh": "{part} 的版本", "en": "Version of {part}"},
    "create": {"zh": "创建", "en": "Create"},
    "created": {"zh": "已创建评估 #{id}。", "en": "Created assessment #{id}."},
    "invalid": {"zh": "请检查：{errors}", "en": "Please check: {errors}"},
    "pick_a_part": {"zh": "请至少选择一个评估部分。", "en": "Choose at least one part."},
    "one_per_line": {"zh": "每行一个", "en": "one per line"},
    "current_assessment": {"zh": "当前评估", "en": "Current assessment"},
    "details_saved": {"zh": "已保存。", "en": "Saved."},
    "import_file": {"zh": "导入评估问卷文件（YAML/JSON）", "en": "Import an assessment file (YAML/JSON)"},
    "import_into_current": {"zh": "导入到当前评估", "en": "Import into this assessment"},
    "import_as_new": {"zh": "导入为新评估", "en": "Import as a new assessment"},
    "imported": {
        "zh": "已导入 {ref}：{n} 条答复有变化。",
        "en": "Imported {ref}: {n} answers changed.",
    },
    "export_file": {"zh": "导出评估问卷文件", "en": "Export the assessment file"},
    "orphaned_kept": {"zh": "保留的旧版本答复：{n} 条", "en": "Answers kept from another version: {n}"},
    # --- field names of the assessment header (keys are the Assessment field names) ---
    "field_organisation": {"zh": "组织", "en": "Organisation"},
    "field_scope": {"zh": "评估范围", "en": "Scope"},
    "field_assessor": {"zh": "评估人", "en": "Assessor"},
    "field_reviewer": {"zh": "复核人", "en": "Reviewer"},
    "field_participants": {"zh": "参与人员", "en": "Participants"},
    "field_started": {"zh": "开始日期", "en": "Started"},
    "field_completed": {"zh": "完成日期", "en": "Completed"},
    "field_target_level": {"zh": "目标等级", "en": "Target level"},
    # --- interview ---
    "tree": {"zh": "能力项导航", "en": "Capability items"},
    "tree_item": {"zh": "{name} · {level} · 待答 {open}", "en": "{name} · {level} · {open} open"},
    "next_unanswered": {"zh": "下一条未作答 ⏭", "en": "Next unanswered ⏭"},
    "all_answered": {"zh": "所有要求均已作答。", "en": "Every requirement is answered."},
    "item_level_now": {"zh": "当前等级：{level}", "en": "Current level: {level}"},
    "level_header": {"zh": "{n}级 · {name}", "en": "Level {n} · {name}"},
    "reached": {"zh": "已达到", "en": "reached"},
    "not_reached": {"zh": "未达到", "en": "not reached"},
    "status_label": {"zh": "{id} 的状态", "en": "Status of {id}"},
    "note": {"zh": "说明", "en": "Note"},
    "evidence_refs": {"zh": "证据引用（以逗号分隔）", "en": "Evidence references (comma-separated)"},
    "answered_by": {"zh": "{who} 于 {at} 作答", "en": "answered by {who} at {at}"},
    "not_answered": {"zh": "尚未作答", "en": "not answered yet"},
    "evidence_decides": {"zh": "采集证据判定：{status}", "en": "Collected evidence: {status}"},
    "evidence_undecided": {"zh": "采集证据未能判定", "en": "The collected evidence decides nothing"},
    "evidence_supports": {"zh": "证据仅作佐证，人工答复为准", "en": "Evidence supports; the manual answer decides"},
    "conflict_flag": {
        "zh": "⚠ 人工答复“{manual}”与采集证据“{evidence}”矛盾；计分以证据为准。",
        "en": "⚠ The manual answer '{manual}' contradicts the collected evidence '{evidence}'; the evidence is scored.",
    },
    "check_line": {
        "zh": "{probe} @ {target}：{actual} {comparison} → {verdict}",
        "en": "{probe} @ {target}: {actual} {comparison} → {verdict}",
    },
    "holds": {"zh": "通过", "en": "holds"},
    "fails": {"zh": "不通过", "en": "fails"},
    "no_value": {"zh": "无可用值", "en": "no usable value"},
    "focus_marker": {"zh": "👉 下一条未作答", "en": "👉 next unanswered"},
    # --- dashboard ---
    "gap_table": {"zh": "差距与路线图", "en": "Gap and roadmap"},
    "filter_part": {"zh": "评估部分", "en": "Part"},
    "filter_domain": {"zh": "能力域", "en": "Domain"},
    "filter_phase": {"zh": "阶段", "en": "Phase"},
    "filter_status": {"zh": "状态", "en": "Status"},
    "filter_text": {"zh": "搜索", "en": "Search"},
    "rows_shown": {"zh": "显示 {n} / {total} 条", "en": "{n} of {total} rows"},
    # --- evidence ---
    "bundle_loaded": {"zh": "已加载证据包：{path}", "en": "Evidence bundle loaded: {path}"},
    "no_bundle_loaded": {"zh": "尚未加载证据包。", "en": "No evidence bundle is loaded."},
    "bundle_path": {"zh": "证据包目录", "en": "Evidence bundle directory"},
    "load_bundle": {"zh": "加载证据包", "en": "Load the bundle"},
    "unload_bundle": {"zh": "移除证据包", "en": "Remove the bundle"},
    "run_collectors": {"zh": "运行采集器", "en": "Run the collectors"},
    "targets_file": {"zh": "采集对象文件（targets.yaml）", "en": "Targets file (targets.yaml)"},
    "output_dir": {"zh": "证据包输出目录（须为空或不存在）", "en": "Bundle directory to write (new or empty)"},
    "collect": {"zh": "开始采集", "en": "Collect"},
    "collecting": {"zh": "正在采集 {done}/{total}：{name}", "en": "Collecting {done}/{total}: {name}"},
    "collected": {"zh": "采集完成：{n} 条记录，已加载。", "en": "Collected {n} records; the bundle is loaded."},
    "records": {"zh": "证据记录", "en": "Evidence records"},
    # --- export ---
    "report_language": {"zh": "报告语言", "en": "Report language"},
    "report_format": {"zh": "报告格式", "en": "Report format"},
    "prepare": {"zh": "生成报告", "en": "Create the report"},
    "download": {"zh": "下载 {name}", "en": "Download {name}"},
    "preparing": {"zh": "正在生成……", "en": "Creating…"},
    "format_pdf": {"zh": "PDF 报告", "en": "PDF report"},
    "format_html": {"zh": "HTML 报告", "en": "HTML report"},
    "format_md": {"zh": "Markdown 报告", "en": "Markdown report"},
    "format_json": {"zh": "JSON 结果", "en": "JSON results"},
    "format_csv": {"zh": "CSV 要求清单", "en": "CSV requirement list"},
    # --- audit ---
    "audit_filter": {"zh": "按要求编号筛选", "en": "Filter by requirement id"},
    "audit_empty": {"zh": "尚无变更记录。", "en": "No change recorded yet."},
    "col_at": {"zh": "时间", "en": "When"},
    "col_who": {"zh": "修改人", "en": "Who"},
    "col_change": {"zh": "状态变化", "en": "Status change"},
    "download_csv": {"zh": "下载 CSV", "en": "Download CSV"},
    "download_json": {"zh": "下载 JSON", "en": "Download JSON"},
    "error": {"zh": "出错：{message}", "en": "Error: {message}"},
}


def t(key: str, lang: Lang, **fmt: object) -> str:
    """The interface word for `key`; words shared with the reports come from reports/labels.py."""
    entry = _UI.get(key)
    if entry is None:
        return word(key, lang, **fmt)
    text = entry[lang]
    return text.format(**fmt) if fmt else text


def ui_keys() -> tuple[str, ...]:
    return tuple(_UI)
