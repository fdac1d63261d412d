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
    "page_present": {"zh": "投屏模式", "en": "Presentation"},
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
    "field_problem": {"zh": "{field}：{problem}", "en": "{field}: {problem}"},
    "problem_separator": {"zh": "；", "en": "; "},
    # why the model refused a value, by pydantic's error type (its own messages are English only)
    "invalid_missing": {"zh": "必须填写", "en": "is required"},
    "invalid_string_too_short": {"zh": "不能为空", "en": "must not be empty"},
    "invalid_greater_than_equal": {"zh": "不能小于 {ge}", "en": "must be at least {ge}"},
    "invalid_less_than_equal": {"zh": "不能大于 {le}", "en": "must be at most {le}"},
    "invalid_int_parsing": {"zh": "须为整数", "en": "must be a whole number"},
    "invalid_date_parsing": {"zh": "须为日期（年-月-日）", "en": "must be a date (year-month-day)"},
    "invalid_date_from_datetime_parsing": {"zh": "须为日期（年-月-日）", "en": "must be a date (year-month-day)"},
    "invalid_string_pattern_mismatch": {"zh": "格式不正确", "en": "is not in the expected form"},
    "invalid_other": {"zh": "取值无效", "en": "is not valid"},
    "choose_one": {"zh": "请选择", "en": "Choose an option"},
    "choose_or_add": {"zh": "请选择或输入", "en": "Choose or type a new one"},
    "choose_many": {"zh": "请选择（可多选）", "en": "Choose options"},
    # Streamlit's file uploader has no parameter for its own texts: on the Chinese page the shell's style shows these
    "upload_button": {"zh": "上传文件", "en": "Upload"},
    "upload_limit": {"zh": "可拖放文件到此处 · 每个文件不超过 {mb} MB", "en": "Drop a file here · up to {mb} MB"},
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
    "clear_status": {"zh": "清除状态", "en": "Clear status"},
    "clear_status_help": {
        "zh": "把状态改回“未作答”；说明和证据引用保留。",
        "en": "Takes the status back to unknown; the note and references stay.",
    },
    "clear_hint": {
        "zh": "再次点击已选状态不会清除它；要清除，请点“清除状态”。",
        "en": "Clicking the chosen status again keeps it; to clear it, press “Clear status”.",
    },
    "autosave_saved": {"zh": "✓ 已保存", "en": "✓ saved"},
    "autosave_saving": {"zh": "保存中…", "en": "saving…"},
    "autosave_conflict": {"zh": "未保存：见下方", "en": "not saved: see below"},
    "field_status": {"zh": "状态", "en": "Status"},
    "field_note": {"zh": "说明", "en": "Note"},
    "field_evidence": {"zh": "证据引用", "en": "Evidence references"},
    "conflict_changed": {
        "zh": "{field}已被 {who} 在 {ago}前修改为：{theirs}（您的修改：{mine}，未保存）",
        "en": "{field} changed by {who} {ago} ago to: {theirs} (yours, not saved: {mine})",
    },
    "keep_theirs": {"zh": "保留对方的", "en": "Keep theirs"},
    "keep_mine": {"zh": "保留我的", "en": "Keep mine"},
    "ago_s": {"zh": "{n} 秒", "en": "{n} s"},
    "ago_min": {"zh": "{n} 分钟", "en": "{n} min"},
    "ago_h": {"zh": "{n} 小时", "en": "{n} h"},
    "empty_value": {"zh": "（空）", "en": "(empty)"},
    "someone": {"zh": "某人", "en": "someone"},
    "not_answered": {"zh": "尚未作答", "en": "not answered yet"},
    "evidence_decides": {"zh": "采集证据判定：{status}", "en": "Collected evidence: {status}"},
    "evidence_confirmed": {
        "zh": "采集证据：{status}（证据建议已由人员确认）",
        "en": "Collected evidence: {status} (its proposal was confirmed by a person)",
    },
    "evidence_undecided": {"zh": "采集证据未能判定", "en": "The collected evidence decides nothing"},
    "evidence_supports": {"zh": "证据仅作佐证，人工答复为准", "en": "Evidence supports; the manual answer decides"},
    "conflict_named": {
        "zh": "人工答复“{manual}”与采集证据“{evidence}”矛盾；计分以证据为准。",
        "en": "The manual answer '{manual}' contradicts the collected evidence '{evidence}'; the evidence is scored.",
    },
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
    # --- presentation mode (one item per screen, for a projector) ---
    "present_keys": {
        "zh": "键盘：→ 或 ↓ 下一条要求，← 或 ↑ 上一条；1 满足、2 部分满足、3 不满足、4 不适用（作用于选中的要求）。",
        "en": "Keys: → or ↓ next requirement, ← or ↑ previous; 1 met, 2 partially met, 3 not met, 4 not applicable "
        "(on the selected requirement).",
    },
    "present_previous": {"zh": "← 上一条", "en": "← Previous"},
    "present_next": {"zh": "下一条 →", "en": "Next →"},
    "present_position": {"zh": "第 {n} / {total} 条要求", "en": "Requirement {n} of {total}"},
    "present_select": {"zh": "选中 {id}", "en": "Select {id}"},
    "present_selected": {"zh": "▶ 当前要求", "en": "▶ Selected"},
    "present_level": {"zh": "本项当前等级：{level}", "en": "This item's level now: {level}"},
    "present_blocking": {
        "zh": "达到 {n} 级还需满足：",
        "en": "Still needed for level {n}:",
    },
    "present_top": {"zh": "已达到最高等级，没有待满足的要求。", "en": "The highest level is reached: nothing blocks."},
    "present_all_na": {"zh": "本项所有要求均不适用。", "en": "Every requirement of this item is not applicable."},
    # --- answers proposed by evidence ---
    "proposal_badge": {"zh": "证据建议", "en": "Proposed by evidence"},
    "proposal_line": {"zh": "建议：{status}（{verification}）", "en": "Proposed: {status} ({verification})"},
    "proposal_was": {
        "zh": "证据曾建议：{status}（{verification}）",
        "en": "The evidence proposed: {status} ({verification})",
    },
    "verification_automated": {"zh": "自动判定", "en": "automated"},
    "verification_assisted": {"zh": "辅助判定", "en": "assisted"},
    "proposal_records": {"zh": "证据记录：{records}", "en": "Evidence records: {records}"},
    "accept": {"zh": "确认", "en": "Accept"},
    "override": {"zh": "推翻", "en": "Override"},
    "override_status": {"zh": "改答为", "en": "Answer instead"},
    "override_reason": {"zh": "推翻理由（必填）", "en": "Why the evidence is wrong (required)"},
    "override_needs_reason": {
        "zh": "{id}：推翻证据建议须写明理由，本次未保存。",
        "en": "{id}: an override needs a reason saying why the evidence is wrong; nothing was saved.",
    },
    "override_pick": {
        "zh": "{id}：请选择要改答的状态。",
        "en": "{id}: choose the status to answer instead.",
    },
    "accepted": {"zh": "已确认 {id} 的证据建议。", "en": "Accepted the evidence's proposal for {id}."},
    "overridden_saved": {"zh": "已推翻 {id} 的证据建议。", "en": "Overrode the evidence's proposal for {id}."},
    "answer_changed": {
        "zh": "{id} 的答复在您打开后已被他人修改，本次未保存。请查看最新答复后再操作。",
        "en": "Someone saved another answer to {id} after you opened it; nothing was saved. Look at the new answer "
        "and try again.",
    },
    "answer_refused": {"zh": "{id}：未保存（{reason}）。", "en": "{id}: not saved ({reason})."},
    "use_override": {
        "zh": "{id} 的状态与证据建议不同须写明理由：请确认建议，或在“推翻”中选择状态并写明理由。",
        "en": "A status for {id} other than the evidence's proposal needs a reason: accept the proposal, or use "
        "Override with a status and a reason.",
    },
    "prov_evidence": {"zh": "由证据判定", "en": "decided by evidence"},
    "prov_proposed": {"zh": "证据建议，待确认", "en": "proposed by evidence, awaiting confirmation"},
    "prov_confirmed": {"zh": "{who} 于 {at} 确认", "en": "confirmed by {who} at {at}"},
    "prov_overridden": {
        "zh": "{who} 于 {at} 推翻证据（理由：{reason}）",
        "en": "overridden by {who} at {at} (reason: {reason})",
    },
    "prov_answer": {"zh": "人工作答", "en": "a person's answer"},
    "prov_confirmed_answer": {"zh": "已确认的建议", "en": "a confirmed proposal"},
    "prov_override": {"zh": "推翻证据的答复", "en": "an override"},
    "tree_show": {"zh": "显示", "en": "Show"},
    "show_all": {"zh": "全部能力项", "en": "All items"},
    "show_proposed": {"zh": "待确认的建议", "en": "Proposed, not yet confirmed"},
    "proposed_waiting": {"zh": "证据建议待确认：{n} 条", "en": "Proposed by evidence, awaiting confirmation: {n}"},
    "none_proposed": {"zh": "没有待确认的建议。", "en": "No proposal awaits confirmation."},
    "next_proposed": {"zh": "下一条待确认建议 ⏭", "en": "Next proposal to confirm ⏭"},
    "all_confirmed": {
        "zh": "所有证据建议均已确认或推翻。",
        "en": "Every proposal is accepted or overridden.",
    },
    "focus_proposal": {"zh": "👉 待确认的建议", "en": "👉 proposal to confirm"},
    "draft_answers": {"zh": "根据证据生成建议答案", "en": "Draft answers from evidence"},
    "draft_help": {
        "zh": "只为尚无人作答的要求写入建议；已有的答复和已确认的建议保持不变。",
        "en": "Writes proposals only where nobody has answered; answers and confirmed proposals stay as they are.",
    },
    "drafted": {
        "zh": "已生成建议：自动判定 {automated} 条，辅助判定 {assisted} 条（其中 {replaced} 条替换旧建议）；"
        "未变 {unchanged} 条，撤回 {withdrawn} 条，保留已有答复 {kept} 条。",
        "en": "Proposed: {automated} automated, {assisted} assisted ({replaced} of them replace earlier proposals); "
        "{unchanged} unchanged, {withdrawn} withdrawn, {kept} answers kept.",
    },
    "draft_skipped": {
        "zh": "以下要求在生成期间已有人作答，未写入建议：{ids}",
        "en": "Answered by someone meanwhile, so no proposal was written: {ids}",
    },
    "disagreements": {
        "zh": "证据与已有答复不一致之处（答复保持不变）",
        "en": "Where the evidence disagrees with an answer (the answer is kept)",
    },
    "disagreement_text": {
        "zh": "答复“{answer}”（{provenance}），证据“{evidence}”（{verification}）：{reason}",
        "en": "answer '{answer}' ({provenance}), evidence '{evidence}' ({verification}): {reason}",
    },
    "no_disagreements": {"zh": "证据与已有答复没有矛盾。", "en": "The evidence contradicts no answer."},
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
    "bundle_archive": {
        "zh": "证据包压缩文件（将证据包目录打包为 .zip 或 .tar.gz）",
        "en": "Bundle archive (a bundle folder packed as .zip or .tar.gz)",
    },
    "load_bundle": {"zh": "加载证据包", "en": "Load the bundle"},
    "archive_missing": {"zh": "请先选择要上传的压缩文件。", "en": "Choose an archive to upload first."},
    "archive_refused": {
        "zh": "未加载该压缩文件：{reason}。请上传由采集器生成、未经修改的证据包目录的压缩文件。",
        "en": "The archive was not loaded: {reason}. Upload an archive of a bundle folder as the collectors wrote it.",
    },
    "archive_loaded": {"zh": "证据包已核验并加载。", "en": "The bundle is verified and loaded."},
    "unload_bundle": {"zh": "移除证据包", "en": "Remove the bundle"},
    "run_collectors": {"zh": "运行采集器", "en": "Run the collectors"},
    "no_targets": {
        "zh": "服务器启动时未指定采集对象文件。如需在此采集，请由管理员以 --targets 文件 重新启动工作坊。",
        "en": "The server was started without a targets file. To collect here, the operator restarts the workshop "
        "with --targets FILE.",
    },
    "targets_from_server": {
        "zh": "采集对象由服务器管理员配置（凭据取自服务器的环境变量或文件），此处仅供查看。",
        "en": "The targets are configured by the server's operator (credentials come from the server's environment "
        "or files); they are shown here read-only.",
    },
    "targets_invalid": {
        "zh": "服务器的采集对象文件无法使用：{reason}。请管理员修正该文件。",
        "en": "The server's targets file cannot be used: {reason}. The operator needs to fix it.",
    },
    "target_name": {"zh": "名称", "en": "Name"},
    "collector": {"zh": "采集器", "en": "Collector"},
    "target_url": {"zh": "地址", "en": "Address"},
    "collect": {"zh": "开始采集", "en": "Collect"},
    "collecting": {"zh": "正在采集 {done}/{total}：{name}", "en": "Collecting {done}/{total}: {name}"},
    "collected": {"zh": "采集完成：{n} 条记录，已加载。", "en": "Collected {n} records; the bundle is loaded."},
    "bundle_unusable": {
        "zh": "评估保存的证据包无法使用，计分时未包含证据：{detail}。请重新上传或采集证据包。",
        "en": "The assessment's evidence bundle cannot be used and is left out of the scores: {detail}. Upload or "
        "collect the bundle again.",
    },
    "records": {"zh": "证据记录", "en": "Evidence records"},
    # --- export ---
    "report_language": {"zh": "报告语言", "en": "Report language"},
    "report_format": {"zh": "报告格式", "en": "Report format"},
    "prepare": {"zh": "生成报告", "en": "Create the report"},
    "download": {"zh": "下载 {name}", "en": "Download {name}"},
    "preparing": {"zh": "正在生成……", "en": "Creating…"},
    "elapsed_s": {"zh": "（已用 {n} 秒）", "en": "({n} s so far)"},
    "report_older": {
        "zh": "此报告生成后答案又有更改；如需包含这些更改，请再次生成。",
        "en": "Answers changed after this report was made; create it again to include them.",
    },
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
    # --- gate ---
    "not_configured": {
        "zh": "此应用须通过 `mlops-maturity workshop` 命令启动（需设置访问码），直接运行时不提供服务。",
        "en": "This app is served only when started by `mlops-maturity workshop` (which sets the access code); "
        "it does not serve when run directly.",
    },
    "gate_intro": {
        "zh": "请输入您的姓名和工作坊访问码（由启动服务器的人提供）。",
        "en": "Enter your name and the workshop's access code (the person who started the server has it).",
    },
    "gate_intro_open": {
        "zh": "请输入您的姓名；您的答复将以此姓名记录。",
        "en": "Enter your name; your answers are recorded under it.",
    },
    "gate_name": {"zh": "姓名", "en": "Your name"},
    "gate_code": {"zh": "访问码", "en": "Access code"},
    "gate_enter": {"zh": "进入", "en": "Enter"},
    "leave": {"zh": "退出", "en": "Leave"},
    "leave_help": {
        "zh": "本浏览器将不再保持登录：下次需重新输入姓名和访问码。",
        "en": "This browser stops being let in: next time it needs a name and the access code again.",
    },
    "gate_name_needed": {"zh": "请填写姓名。", "en": "Please enter your name."},
    "gate_wrong": {
        "zh": "访问码不正确。请向启动服务器的人确认访问码。",
        "en": "That access code is not right. Ask the person who started the server for it.",
    },
    "gate_wait": {
        "zh": "尝试次数过多，请 {s} 秒后再试。",
        "en": "Too many attempts: try again in {s} seconds.",
    },
    "login_intro": {
        "zh": "请用您的工作坊账户登录（账户由主持人创建）。",
        "en": "Log in with your workshop account (the facilitator creates accounts).",
    },
    "login_name": {"zh": "账户名", "en": "Account"},
    "login_password": {"zh": "密码", "en": "Password"},
    "login_enter": {"zh": "登录", "en": "Log in"},
    "login_wrong": {
        "zh": "账户名或密码不正确，或该账户已停用。",
        "en": "Wrong account or password, or the account is disabled.",
    },
    "login_expired": {
        "zh": "登录已过期，请重新登录。",
        "en": "Your session has expired: please log in again.",
    },
    "logout": {"zh": "登出", "en": "Log out"},
    "signed_in_as": {"zh": "已登录：{name}（{role}）", "en": "Logged in as {name} ({role})"},
    "role_facilitator": {"zh": "主持人", "en": "facilitator"},
    "role_participant": {"zh": "参与者", "en": "participant"},
    "role_auditor": {"zh": "审核人", "en": "auditor"},
    "role_viewer": {"zh": "观察者", "en": "viewer"},
    "read_only_role": {
        "zh": "您的角色只能查看，不能修改答复。",
        "en": "Your role can read but not change answers.",
    },
    "not_allowed": {
        "zh": "您的角色无权{action}；未作任何修改。",
        "en": "Your role may not {action}; nothing was changed.",
    },
    "action_read": {"zh": "查看", "en": "read this"},
    "action_answer": {"zh": "修改答复", "en": "change answers"},
    "action_sign": {"zh": "确认或否决建议", "en": "confirm or override proposals"},
    "action_manage": {"zh": "管理评估", "en": "manage assessments"},
    # --- sessions and action items ---
    "page_engagement": {"zh": "会议与行动项", "en": "Sessions & actions"},
    "progress_line": {"zh": "已作答 {answered}/{total}", "en": "{answered}/{total} answered"},
    "action_record": {"zh": "记录会议与行动项", "en": "record sessions and action items"},
    "action_propose": {"zh": "添加行动项", "en": "add action items"},
    "eng_read_only": {
        "zh": "您的角色只能查看会议与行动项。",
        "en": "Your role can read the sessions and action items but not change them.",
    },
    "eng_sessions": {"zh": "工作会议", "en": "Working sessions"},
    "eng_no_sessions": {"zh": "尚未记录会议。", "en": "No session is recorded yet."},
    "eng_session_line": {"zh": "{date} · {topic} · {n} 人参加", "en": "{date} · {topic} · {n} attending"},
    "eng_add_session": {"zh": "添加会议", "en": "Add a session"},
    "eng_date": {"zh": "日期", "en": "Date"},
    "eng_topic": {"zh": "主题", "en": "Topic"},
    "eng_attendees": {"zh": "参会人员（可输入新名字）", "en": "Attendees (type a new name to add one)"},
    "eng_attendee_role": {"zh": "{name} 的角色", "en": "Role of {name}"},
    "eng_attendee_org": {"zh": "{name} 的单位", "en": "Organisation of {name}"},
    "eng_note": {"zh": "备注", "en": "Note"},
    "eng_name": {"zh": "姓名", "en": "Name"},
    "eng_role": {"zh": "角色", "en": "Role"},
    "eng_org": {"zh": "单位", "en": "Organisation"},
    "eng_remove": {"zh": "删除", "en": "Remove"},
    "eng_session_added": {"zh": "已添加会议。", "en": "The session is added."},
    "eng_no_topic": {"zh": "请填写会议主题。", "en": "Give the session a topic."},
    "eng_merged": {
        "zh": "他人刚修改过此条目；您的修改已与之合并。",
        "en": "Someone changed this entry meanwhile; your change is merged with theirs.",
    },
    "eng_kept_both": {
        "zh": "他人刚修改或删除了此条目；两个版本均已保留，请查看。",
        "en": "Someone changed or removed this entry meanwhile; both versions are kept: please look at them.",
    },
    "eng_not_removed": {
        "zh": "他人刚修改过此条目，未删除；请查看后再删除。",
        "en": "Someone changed this entry meanwhile, so it was not removed; look at it and remove it again.",
    },
    "eng_actions": {"zh": "行动项", "en": "Action items"},
    "eng_no_actions": {"zh": "尚无行动项。", "en": "There is no action item yet."},
    "eng_add_action": {"zh": "添加行动项", "en": "Add an action item"},
    "eng_ref": {"zh": "能力要求或能力子项（差距在前）", "en": "Requirement or capability item (gaps first)"},
    "eng_gap_option": {"zh": "差距 · {level}级 · {id} {text}", "en": "Gap · L{level} · {id} {text}"},
    "eng_ref_option": {"zh": "{id} {text}", "en": "{id} {text}"},
    "eng_owner": {"zh": "负责人", "en": "Owner"},
    "eng_due": {"zh": "截止日期", "en": "Due"},
    "eng_action_status": {"zh": "进展", "en": "Progress"},
    "eng_status_open": {"zh": "未开始", "en": "open"},
    "eng_status_in_progress": {"zh": "进行中", "en": "in progress"},
    "eng_status_done": {"zh": "已完成", "en": "done"},
    "eng_what": {"zh": "内容", "en": "What"},
    "eng_overdue": {"zh": "已逾期", "en": "Overdue"},
    "eng_overdue_mark": {"zh": "⚠ 已逾期", "en": "⚠ overdue"},
    "eng_overdue_count": {
        "zh": "行动项：{n} 个；已逾期：{late} 个（截止日期已过且未完成）。",
        "en": "Action items: {n}; overdue: {late} (due before today and not done).",
    },
    "eng_ref_column": {"zh": "能力要求/子项", "en": "Requirement / item"},
    "eng_action_line": {"zh": "{ref} · {owner} · {status}", "en": "{ref} · {owner} · {status}"},
    "eng_action_added": {"zh": "已添加行动项。", "en": "The action item is added."},
    "eng_pick_ref": {"zh": "请选择能力要求或能力子项。", "en": "Choose a requirement or capability item."},
    "eng_nobody": {"zh": "（未指定）", "en": "(nobody yet)"},
    "eng_compare": {"zh": "与以往评估对比", "en": "Comparison with a previous assessment"},
    "eng_compare_none": {
        "zh": "数据库中没有同一组织、同一评估范围且评估相同部分的其他评估。",
        "en": "The database holds no other assessment of this organisation and scope with a part in common.",
    },
    "eng_compare_with": {"zh": "以往评估", "en": "Previous assessment"},
    "eng_compare_line": {"zh": "#{id} · {parts} · 更新于 {updated}", "en": "#{id} · {parts} · updated {updated}"},
    "eng_overall_change": {
        "zh": "整体等级：{old} → {new}（{direction}）",
        "en": "Overall level: {old} → {new} ({direction})",
    },
    "eng_dir_up": {"zh": "提升", "en": "up"},
    "eng_dir_down": {"zh": "下降", "en": "down"},
    "eng_dir_same": {"zh": "不变", "en": "unchanged"},
    "eng_dir_added": {"zh": "新增", "en": "added"},
    "eng_dir_removed": {"zh": "已移除", "en": "removed"},
    "eng_items_moved": {"zh": "等级变化的能力子项", "en": "Capability items that moved"},
    "eng_no_item_moved": {"zh": "没有能力子项的等级发生变化。", "en": "No capability item changed level."},
    "eng_change": {"zh": "变化", "en": "Change"},
    "eng_direction": {"zh": "方向", "en": "Direction"},
    "eng_newly_met": {"zh": "新满足的要求", "en": "Requirements newly met"},
    "eng_lost": {"zh": "不再满足的要求", "en": "Requirements no longer met"},
    "eng_none": {"zh": "无。", "en": "None."},
    "eng_versions_differ": {
        "zh": "两次评估的框架版本不同（{old} → {new}），只比较共有的 {shared} 项要求。",
        "en": "The two assessments use other framework versions ({old} → {new}); only the {shared} shared "
        "requirements are compared.",
    },
    # --- errors ---
    "db_directory": {"zh": "数据库路径是一个目录，而不是文件。", "en": "The database path is a folder, not a file."},
    "db_not_file": {"zh": "数据库路径不是普通文件。", "en": "The database path is not a regular file."},
    "db_unreadable": {"zh": "数据库文件无法读取（权限不足）。", "en": "The database file cannot be read."},
    "db_read_only": {
        "zh": "数据库文件或其所在目录为只读，无法保存答复。",
        "en": "The database file or its folder is read-only, so no answer could be saved.",
    },
    "db_empty": {
        "zh": "数据库文件为空（0 字节），不是本程序写入的数据库；为免覆盖，未作任何修改。",
        "en": "The database file is empty (0 bytes), not a database this program wrote; it is left untouched.",
    },
    "db_not_sqlite": {"zh": "该文件不是 SQLite 数据库。", "en": "The file is not an SQLite database."},
    "db_damaged": {
        "zh": "数据库文件已损坏（SQLite 完整性检查未通过）。",
        "en": "The database file is damaged (it fails SQLite's integrity check).",
    },
    "db_too_new": {
        "zh": "数据库由更新版本的程序写入，本版本无法安全打开。",
        "en": "The database was written by a newer version of this program; this version cannot open it safely.",
    },
    "db_foreign": {
        "zh": "数据库中含有其他程序的数据表，不是工作坊数据库。",
        "en": "The database holds another program's tables; it is not a workshop database.",
    },
    "db_schema": {
        "zh": "数据库的表结构与本程序不符（缺少表或列不同）。",
        "en": "The database's tables are not this program's (tables missing or columns different).",
    },
    "db_locked": {
        "zh": "数据库正被其他程序锁定。",
        "en": "The database is locked by another program.",
    },
    "db_unavailable": {"zh": "无法访问数据库文件。", "en": "The database file cannot be reached."},
    "db_replaced": {
        "zh": "服务器运行期间，数据库文件被另一个文件替换；为免写错文件，不再读写它。",
        "en": "The database file was replaced by another file while the server was running; to avoid writing to the "
        "wrong file, it is no longer read or written.",
    },
    "change_not_saved": {"zh": "您的修改未保存。", "en": "Your change was not saved."},
    "db_todo": {
        "zh": "请停止服务器，修复或移走该文件（或用 --db 指定另一个文件）后重新启动；程序不会自动替换它。",
        "en": "Stop the server, repair or move the file (or name another one with --db) and start it again; it is "
        "never replaced automatically.",
    },
    "db_retry": {
        "zh": "您的修改可能未保存。请稍后重试；若持续出现，请关闭正在使用该数据库的其他程序。",
        "en": "Your change may not be saved. Try again in a moment; if this goes on, close the other program using "
        "the database.",
    },
    "db_failed": {"zh": "读写数据库时出错。", "en": "Reading or writing the database failed."},
    "details": {"zh": "详情：{detail}", "en": "Details: {detail}"},
    "unexpected": {
        "zh": "出现意外错误，本页未能完成显示。请重试；若问题持续，请联系管理员（详细信息已记录在服务器日志中）。",
        "en": "Something unexpected went wrong and this page could not be completed. Try again; if it persists, "
        "tell the operator (the details are in the server's log).",
    },
}


_MARKDOWN = frozenset("\\`*_{}[]()<>#+-.!|~$:=^\"'&%@/")


def plain(value: object) -> str:
    """Text from people or files (names, organisation, file entries, error details) as it must appear in Markdown:
    every punctuation mark escaped and line breaks as spaces, so it cannot add links, images, emphasis, headings or
    formulas to the page."""
    text = " ".join(str(value).split())
    return "".join(f"\\{ch}" if ch in _MARKDOWN else ch for ch in text)


def t(key: str, lang: Lang, **fmt: object) -> str:
    """The interface word for `key`; words shared with the reports come from reports/labels.py."""
    entry = _UI.get(key)
    if entry is None:
        return word(key, lang, **fmt)
    text = entry[lang]
    return text.format(**fmt) if fmt else text


def ui_keys() -> tuple[str, ...]:
    return tuple(_UI)
