"""Fixed interface words in both languages; everything from the standard itself comes from the framework file."""

from __future__ import annotations

from capability_model.schema import Lang

_WORDS: dict[str, dict[str, str]] = {
    "overall": {"zh": "整体等级", "en": "Overall level"},
    "score": {"zh": "平均分", "en": "Score"},
    "level": {"zh": "等级", "en": "Level"},
    "target": {"zh": "目标等级", "en": "Target level"},
    "domain": {"zh": "能力域", "en": "Domain"},
    "subdomain": {"zh": "能力子域", "en": "Subdomain"},
    "item": {"zh": "能力子项", "en": "Capability item"},
    "requirement": {"zh": "能力要求", "en": "Requirement"},
    "requirements": {"zh": "能力要求", "en": "Requirements"},
    "status": {"zh": "状态", "en": "Status"},
    "blocking": {"zh": "阻碍升级的要求", "en": "Blocking the next level"},
    "gap": {"zh": "距目标差距", "en": "Gap to target"},
    "open": {"zh": "未满足", "en": "Open"},
    "roadmap": {"zh": "改进路线图", "en": "Roadmap"},
    "phase": {"zh": "阶段", "en": "Phase"},
    "reach_level": {"zh": "达到{level}级", "en": "Reach level {level}"},
    "no_gap": {"zh": "已达到目标等级，无差距。", "en": "The target level is reached; there is no gap."},
    "na": {"zh": "不适用", "en": "N/A"},
    "organisation": {"zh": "组织", "en": "Organisation"},
    "scope": {"zh": "评估范围", "en": "Scope"},
    "assessor": {"zh": "评估人", "en": "Assessor"},
    "framework": {"zh": "标准框架", "en": "Framework"},
    "answered": {"zh": "已作答", "en": "Answered"},
    "guidance": {"zh": "核查方法", "en": "How to verify"},
    "purpose": {"zh": "目的", "en": "Purpose"},
    "dimension": {"zh": "评估维度", "en": "Dimension"},
    "evidence_kinds": {"zh": "证据类型", "en": "Evidence"},
    "systems": {"zh": "证据来源系统", "en": "Systems"},
    "levels": {"zh": "等级定义", "en": "Level definitions"},
    "scoring": {"zh": "计分规则", "en": "Scoring rules"},
    "more": {"zh": "另有 {n} 项", "en": "and {n} more"},
    "evidence": {"zh": "证据", "en": "Evidence"},
    "automated_checks": {"zh": "自动核查", "en": "Automated checks"},
    "verification_automated": {"zh": "自动判定：证据判定满足或不满足", "en": "automated: evidence decides"},
    "verification_assisted": {
        "zh": "证据辅助：证据不通过即不满足，通过时由人员确认",
        "en": "assisted: failing evidence means not met; passing evidence is confirmed by a person",
    },
    "verification_attested": {"zh": "人工证明：由人员或文件判定", "en": "attested: a person or a document decides"},
    "decided_by_evidence": {"zh": "{n} 项要求由证据判定", "en": "{n} requirements decided by evidence"},
    "audit_mode": {
        "zh": "审计模式：未引用证据的“满足”不予计入。",
        "en": "Audit mode: a manual 'met' without cited evidence is not counted.",
    },
    "conflict": {"zh": "冲突", "en": "Conflict"},
    "n_requirements": {"zh": "{n} 项要求", "en": "{n} requirements"},
    "status_published": {"zh": "已发布", "en": "published"},
    "status_draft": {"zh": "征求意见稿", "en": "draft for comment"},
    "status_provisional": {
        "zh": "暂定（本项目自行设计，待标准发布）",
        "en": "provisional (own design, pending the standard)",
    },
    "released": {"zh": "框架文件发布日期", "en": "framework file released"},
    # --- the assessment report (HTML / PDF / Markdown / CSV) ---
    "report_title": {
        "zh": "人工智能研发运营一体化（MLOps）能力成熟度评估报告",
        "en": "MLOps capability maturity assessment report",
    },
    "confidential": {
        "zh": "机密 · 仅供受评组织与评估方使用",
        "en": "Confidential · for the assessed organisation and the assessors only",
    },
    "contents": {"zh": "目录", "en": "Contents"},
    "executive_summary": {"zh": "执行摘要", "en": "Executive summary"},
    "level_matrix": {"zh": "能力等级矩阵", "en": "Level matrix"},
    "results_by_domain": {"zh": "分域评估结果", "en": "Results by domain"},
    "methodology": {"zh": "评估方法", "en": "Methodology"},
    "evidence_appendix": {"zh": "附录：证据", "en": "Appendix: evidence"},
    "sign_off": {"zh": "签署", "en": "Sign-off"},
    "part": {"zh": "评估部分", "en": "Part"},
    "version": {"zh": "版本", "en": "Version"},
    "content_hash": {"zh": "内容哈希（SHA-256）", "en": "Content hash (SHA-256)"},
    "period": {"zh": "评估期间", "en": "Assessment period"},
    "period_range": {"zh": "{start} 至 {end}", "en": "{start} to {end}"},
    "period_open": {"zh": "{start} 起", "en": "from {start}"},
    "reviewer": {"zh": "复核人", "en": "Reviewer"},
    "participants": {"zh": "参与人员", "en": "Participants"},
    "report_date": {"zh": "报告日期", "en": "Report date"},
    "assessment_file": {"zh": "评估问卷文件", "en": "Assessment file"},
    "standard": {"zh": "标准", "en": "Standard"},
    "publisher": {"zh": "发布方", "en": "Publisher"},
    "level_n": {"zh": "{n}级", "en": "level {n}"},
    "level_badge": {"zh": "{n}级", "en": "L{n}"},
    "level_named": {"zh": "{n}级（{name}）", "en": "{n} ({name})"},
    "page_x_of_y": {"zh": "第 {page} 页，共 {pages} 页", "en": "Page {page} of {pages}"},
    "overall_of_part": {"zh": "整体等级", "en": "Overall level"},
    "radar_caption": {
        "zh": "各能力域的等级、平均分与目标等级",
        "en": "Level and score of each domain against the target level",
    },
    "series_level": {"zh": "等级", "en": "Level"},
    "series_score": {"zh": "平均分", "en": "Score"},
    "series_target": {"zh": "目标等级", "en": "Target"},
    "strengths": {"zh": "主要优势", "en": "Strengths"},
    "top_gaps": {"zh": "主要差距", "en": "Top gaps"},
    "no_strengths": {"zh": "尚无达到一级的能力子项。", "en": "No capability item has reached level 1 yet."},
    "strength_text": {
        "zh": "{item}（{id}）达到{level}级（{level_name}），{relation}；{applicable}项适用要求中已满足{met}项。",
        "en": "{item} ({id}) reaches level {level} ({level_name}), {relation}; {met} of its {applicable} "
        "applicable requirements are met.",
    },
    "relation_above": {"zh": "高于目标等级{n}级", "en": "{n} above the target level"},
    "relation_at": {"zh": "已达到目标等级", "en": "meeting the target level"},
    "relation_below": {"zh": "距目标等级尚差{n}级", "en": "{n} below the target level"},
    # --- the one-page summary: why the level is what it is, and what lifts it ---
    "why_level": {
        "zh": "{part}为{level}级（{level_name}），因为{items}个适用能力项中有{capping}项停留在{level}级，"
        "主要在{domains}；这些能力项再满足{lift}项{next}级要求，{part}即可升至{next}级。",
        "en": "{part} is at level {level} ({level_name}) because {capping} of its {items} applicable items stand at "
        "level {level}, mostly in {domains}; meeting {lift} more level-{next} requirements in those items lifts "
        "{part} to level {next}.",
    },
    "why_top": {
        "zh": "{part}的全部{items}个适用能力项均达到{level}级（{level_name}）。",
        "en": "All {items} applicable items of {part} reach level {level} ({level_name}).",
    },
    "why_none": {"zh": "{part}没有适用的能力项。", "en": "{part} has no applicable item."},
    "results_overview": {"zh": "结果概览", "en": "Results overview"},
    "part_short": {"zh": "第{n}部分", "en": "Part {n}"},
    "domain_count": {"zh": "{domain}（{n}项）", "en": "{domain} ({n})"},
    "work_to_target": {
        "zh": "距目标{target}级：{items}个能力项、{reqs}项要求尚未达到。",
        "en": "Between the organisation and the target level {target}: {items} items and {reqs} requirements.",
    },
    "at_target": {"zh": "已达到目标{target}级。", "en": "The target level {target} is reached."},
    "basis_line": {
        "zh": "结论依据：{evidence}项要求由证据判定或经确认的证据提议，{people}项由人员回答，{open}项尚未作答或未确认"
        "（共{total}项，证据占已回答的{share}）。",
        "en": "Basis: {evidence} requirements decided by evidence or by confirmed evidence proposals, {people} "
        "answered by people, {open} unanswered or unconfirmed (of {total}; evidence carries {share} of the answered).",
    },
    "actions_title": {"zh": "最快提升等级的三项行动", "en": "Three actions that lift the level soonest"},
    "action_text": {
        "zh": "满足{item}（{id}）的{n}项要求（{reqs}），使其达到{to}级。",
        "en": "Meet {n} requirements of {item} ({id}): {reqs}; it then reaches level {to}.",
    },
    "action_text_one": {
        "zh": "满足{item}（{id}）的1项要求（{reqs}），使其达到{to}级。",
        "en": "Meet 1 requirement of {item} ({id}): {reqs}; it then reaches level {to}.",
    },
    "no_actions": {"zh": "所有能力项均已达到最高等级。", "en": "Every item is at the highest level."},
    "levels_count": {"zh": "{n}", "en": "{n} levels"},
    "one_level": {"zh": "1", "en": "one level"},
    "gap_text": {
        "zh": "{item}（{id}）目前为{level}级（{level_name}）；达到目标{target}级还需满足{n}项要求，首先是：{first}",
        "en": "{item} ({id}) is at level {level} ({level_name}); reaching the target level {target} needs {n} more "
        "requirements, starting with: {first}",
    },
    "matrix_caption": {
        "zh": "每个能力子项已达到的等级与目标等级",
        "en": "The level each capability item reaches, against the target level",
    },
    "cell_reached": {"zh": "已达到", "en": "reached"},
    "cell_gap": {"zh": "目标内未达到", "en": "not reached, within target"},
    "cell_beyond": {"zh": "目标以上未达到", "en": "not reached, above target"},
    "cell_na": {"zh": "不适用", "en": "not applicable"},
    "bars_caption": {"zh": "各能力子项等级与目标等级", "en": "Level of each capability item against the target"},
    "item_level": {"zh": "子项等级", "en": "Item level"},
    "col_level": {"zh": "等级", "en": "Level"},
    "col_requirement": {"zh": "能力要求", "en": "Requirement"},
    "col_status": {"zh": "状态", "en": "Status"},
    "col_evidence": {"zh": "证据", "en": "Evidence"},
    "col_note": {"zh": "说明", "en": "Note"},
    "col_source": {"zh": "判定依据", "en": "Decided by"},
    "blocking_level": {"zh": "阻碍升至{level}级的要求", "en": "Requirements blocking level {level}"},
    "top_level_reached": {"zh": "已达到最高等级。", "en": "The highest level is reached."},
    "gap_count": {
        "zh": "距目标{target}级的差距：{n}项要求",
        "en": "Gap to the target level {target}: {n} requirements",
    },
    "no_item_gap": {"zh": "已达到目标等级。", "en": "The target level is reached."},
    "blocking_mark": {"zh": "阻碍升级", "en": "blocking"},
    "conflict_text": {
        "zh": "人工答复“{manual}”{by}与证据结论“{evidence}”不一致，以证据为准（{records}）。",
        "en": "The answer '{manual}'{by} contradicts the evidence's '{evidence}'; the evidence decided ({records}).",
    },
    "conflicts_found": {"zh": "{n} 项人工答复与证据不一致", "en": "{n} manual answers contradict the evidence"},
    "no_roadmap": {"zh": "已达到目标等级，无需改进阶段。", "en": "The target level is reached; no phase is needed."},
    "roadmap_intro": {
        "zh": "按等级分阶段排列距目标的全部差距；每个阶段内，等级最低的能力子项在前，部分满足的要求先于未满足的要求。",
        "en": "Every requirement in the gap, in one phase per level up to the target; within a phase the items "
        "furthest behind come first, partly met requirements before unmet ones.",
    },
    "dimensions": {"zh": "评估维度", "en": "Evaluation dimensions"},
    "framework_description": {"zh": "框架说明", "en": "About the framework"},
    "applies_to": {"zh": "适用于", "en": "Applies to"},
    "bundle": {"zh": "证据包", "en": "Evidence bundle"},
    "manifest_hash": {"zh": "清单哈希（SHA-256）", "en": "Manifest hash (SHA-256)"},
    "records_count": {
        "zh": "共 {n} 条证据记录：正常 {ok}，不可用 {unavailable}，错误 {error}；{decided} 项要求由证据判定。",
        "en": "{n} evidence records: {ok} ok, {unavailable} unavailable, {error} in error; {decided} requirements "
        "decided by evidence.",
    },
    "no_bundle": {
        "zh": "本次评估未提供自动采集的证据包；各项要求的证据为答复中引用的材料，列于分域评估结果中。",
        "en": "No collected evidence bundle was supplied for this assessment; the evidence for each requirement is "
        "the material cited in its answer, listed under the results by domain.",
    },
    "cited_references": {"zh": "答复中引用证据 {n} 处", "en": "{n} evidence references cited in answers"},
    "probe": {"zh": "探针", "en": "Probe"},
    "target_system": {"zh": "采集对象", "en": "Target"},
    "source": {"zh": "来源", "en": "Source"},
    "collected_at": {"zh": "采集时间", "en": "Collected at"},
    "sha256": {"zh": "SHA-256", "en": "SHA-256"},
    "summary": {"zh": "摘要", "en": "Summary"},
    "value": {"zh": "取值", "en": "Value"},
    "files_hashes": {"zh": "评估所依据的文件", "en": "Files this report was made from"},
    "orphaned": {
        "zh": "保留的旧版本答复（当前框架版本中已无对应要求）：{ids}",
        "en": "Answers kept from another framework version (no requirement in this version): {ids}",
    },
    "signature": {"zh": "签字", "en": "Signature"},
    "date": {"zh": "日期", "en": "Date"},
    "role": {"zh": "角色", "en": "Role"},
    "name": {"zh": "姓名", "en": "Name"},
    "sign_statement": {
        "zh": "我们确认：本报告依据上述框架文件、评估问卷及所列证据，按本报告所述评估方法完成；"
        "报告所列等级、差距与改进路线图真实反映评估时所见情况。",
        "en": "We confirm that this assessment was carried out against the framework files, questionnaires and "
        "evidence named in this report, following the methodology it describes, and that the levels, gaps and "
        "roadmap it states reflect what was found at the time of the assessment.",
    },
    "colon": {"zh": "：", "en": ": "},
    "phase_title": {"zh": "阶段 {level}：达到{level}级", "en": "Phase {level}: reach level {level}"},
    "description": {"zh": "说明", "en": "Description"},
    "domain_id": {"zh": "能力域编号", "en": "Domain id"},
    "subdomain_id": {"zh": "能力子域编号", "en": "Subdomain id"},
    "item_id": {"zh": "能力子项编号", "en": "Item id"},
    "requirement_id": {"zh": "要求编号", "en": "Requirement id"},
    "level_name": {"zh": "等级名称", "en": "Level name"},
    "generated_by": {"zh": "生成工具：", "en": "Generated by"},
    "report_id": {"zh": "报告编号", "en": "Report id"},
    "embedded_data": {"zh": "内嵌数据", "en": "Embedded data"},
    "embedded_data_text": {
        "zh": "本报告文件内嵌评估结果数据（assessment-result.json）和证据清单，",
        "en": "This PDF carries the assessment result JSON (assessment-result.json) and the evidence manifest;",
    },
    # --- automated checks and the limitations of the assessment ---
    "verification": {"zh": "验证方式", "en": "Verification"},
    "col_probe": {"zh": "探针", "en": "Probe"},
    "col_probe_text": {"zh": "探针说明", "en": "Probe description"},
    "col_op": {"zh": "比较方式", "en": "Operator"},
    "col_expected": {"zh": "期望", "en": "Expected"},
    "col_actual": {"zh": "实际值", "en": "Actual"},
    "col_target": {"zh": "采集对象", "en": "Target"},
    "col_collected_at": {"zh": "采集时间", "en": "Collected at"},
    "col_record": {"zh": "证据记录", "en": "Record"},
    "col_record_hash": {"zh": "记录哈希（SHA-256）", "en": "Record hash (SHA-256)"},
    "col_outcome": {"zh": "检查结果", "en": "Outcome"},
    "col_collector": {"zh": "采集器", "en": "Collector"},
    "col_why": {"zh": "原因", "en": "Why"},
    "col_checks": {"zh": "检查数", "en": "Checks"},
    "col_detail": {"zh": "详情", "en": "Details"},
    "col_verification": {"zh": "验证方式", "en": "Verification"},
    "outcome_holds": {"zh": "通过", "en": "holds"},
    "outcome_fails": {"zh": "不通过", "en": "fails"},
    "outcome_not_collected": {"zh": "未采集", "en": "not collected"},
    "value_true": {"zh": "是", "en": "true"},
    "value_false": {"zh": "否", "en": "false"},
    "value_empty": {"zh": "（空）", "en": "(empty)"},
    "no_value": {"zh": "—", "en": "—"},
    "any_target": {"zh": "（任一对象）", "en": "(any target)"},
    "limitations": {"zh": "评估局限", "en": "Limitations of this assessment"},
    "limitations_intro": {
        "zh": "下列自动检查未能运行。相关要求依人工答复判定（无答复则为未知），不会因缺少证据而判为不满足。",
        "en": "The automated checks below could not run. Their requirements were decided by the manual answers "
        "(unknown without one), never as not met for want of evidence.",
    },
    "no_limitations": {"zh": "全部自动检查均已运行。", "en": "Every automated check ran."},
    "checks_summary": {
        "zh": "{reqs} 项要求共 {n} 项自动检查：通过 {holds}，不通过 {fails}，未采集 {missing}。",
        "en": "{n} automated checks on {reqs} requirements: {holds} hold, {fails} fail, {missing} not collected.",
    },
    "no_bundle_checks": {
        "zh": "本次评估未使用证据包，自动检查均未运行。",
        "en": "No evidence bundle was used, so no automated check ran.",
    },
    "limit_no_target": {
        "zh": "{n} 项检查无法运行：未提供 {systems} 采集对象。",
        "en": "{n} checks could not run: no {systems} target was given.",
    },
    "limit_target_failed": {
        "zh": "{n} 项检查无法运行：已提供 {system} 采集对象，但其证据不可用或出错——{targets}。",
        "en": "{n} checks could not run: the {system} target was given but its evidence was unavailable or in "
        "error — {targets}.",
    },
    "limit_not_reported": {
        "zh": "{n} 项检查无法运行：{system} 采集对象 {targets} 未报告所需探针（{probes}）。",
        "en": "{n} checks could not run: the {system} target {targets} did not report the probes they need ({probes}).",
    },
    "gap_no_target": {"zh": "未提供采集对象", "en": "no target given"},
    "gap_target_failed": {"zh": "证据不可用或出错", "en": "evidence unavailable or in error"},
    "gap_not_reported": {"zh": "未报告所需探针", "en": "probe not reported"},
    "or_join": {"zh": "{first} 或 {last}", "en": "{first} or {last}"},
    "list_sep": {"zh": "、", "en": ", "},
    "coverage_title": {"zh": "验证方式覆盖情况", "en": "Verification coverage"},
    "coverage_intro": {
        "zh": "各能力域的要求按验证方式计数：自动判定由采集证据独立判定；证据辅助由证据否定或支持、由人员确认；"
        "人工证明仅由人员或文件判定。",
        "en": "The requirements of each domain by verification class: automated ones are decided by collected "
        "evidence alone; assisted ones can be failed or supported by evidence and a person confirms; attested ones "
        "only a person or a document decides.",
    },
    "verification_rule": {"zh": "验证方式的确定规则", "en": "How the verification class is chosen"},
    # --- how each verdict was reached (provenance) and answers the evidence contradicts ---
    "prov_line_evidence": {"zh": "由采集证据判定", "en": "Decided by evidence"},
    "prov_line_evidence_by": {
        "zh": "由采集证据判定（证据提议已由 {by} 确认{when}）",
        "en": "Decided by evidence (the proposal was confirmed by {by}{when})",
    },
    "prov_line_confirmed": {
        "zh": "证据提议，已确认：{by}{when}",
        "en": "Proposed by evidence, confirmed by {by}{when}",
    },
    "prov_line_answered": {"zh": "人工答复：{by}{when}", "en": "Answered by {by}{when}"},
    "prov_line_overridden": {"zh": "推翻证据：{by}{when}", "en": "Overridden by {by}{when}"},
    "prov_line_overridden_proposal": {
        "zh": "推翻证据：{by}{when}（证据提议“{proposed}”）",
        "en": "Overridden by {by}{when} (evidence proposed '{proposed}')",
    },
    "prov_line_proposed": {
        "zh": "证据提议“{proposed}”，尚未确认，不计入",
        "en": "Proposed by evidence: {proposed}, not yet confirmed (not counted)",
    },
    "prov_line_unanswered": {"zh": "未作答", "en": "Unanswered"},
    "prov_when": {"zh": "，{at}", "en": " on {at}"},
    "prov_nobody": {"zh": "（未记录姓名）", "en": "(name not recorded)"},
    "prov_reason": {"zh": "；理由：", "en": "; reason: "},
    "prov_tally": {"zh": "判定方式", "en": "How decided"},
    "prov_title": {"zh": "各项要求的判定方式", "en": "How each verdict was reached"},
    "prov_intro": {
        "zh": "每项要求的结论均注明其来源。证据提议在人员确认之前不计入等级，按未作答计。",
        "en": "Every requirement's verdict says where it came from. A proposal drafted from evidence does not count "
        "towards a level until a person confirms it; until then it counts as unknown.",
    },
    "col_provenance": {"zh": "判定方式", "en": "How decided"},
    "col_meaning": {"zh": "含义", "en": "Meaning"},
    "col_by": {"zh": "确认或答复人", "en": "By"},
    "col_at": {"zh": "确认或答复时间", "en": "At"},
    "col_override_reason": {"zh": "推翻理由", "en": "Override reason"},
    "col_proposed": {"zh": "证据提议", "en": "Proposed by evidence"},
    "col_answer_given": {"zh": "人员答复", "en": "Answer given"},
    "col_evidence_verdict": {"zh": "证据结论", "en": "Evidence verdict"},
    "col_records": {"zh": "证据记录", "en": "Records"},
    "unanswered_ids": {"zh": "未作答的要求（{n} 项）", "en": "Unanswered requirements ({n})"},
    "conflicts_title": {"zh": "与采集证据相矛盾的答案", "en": "Contradictions with collected evidence"},
    "conflicts_intro": {
        "zh": "下列要求的人员答复与采集证据的结论相矛盾；答复未给出推翻理由，因此以证据为准。请核实后修正答复，"
        "或说明理由推翻证据。",
        "en": "For the requirements below, a person's answer contradicts what the collected evidence shows; no reason "
        "was given to override the evidence, so the evidence decided. Check each one, then correct the answer or "
        "override the evidence with a reason.",
    },
    "no_conflicts": {"zh": "没有与采集证据相矛盾的答案。", "en": "No answer contradicts the collected evidence."},
    "conflict_flag": {"zh": "与证据矛盾", "en": "Contradicts the evidence"},
    "by_paren": {"zh": "（{by}）", "en": " ({by})"},
    # --- the engagement's working sessions and attendance (frame pages) ---
    "sessions_title": {"zh": "工作会议与出席情况", "en": "Working sessions and attendance"},
    "sessions_count": {"zh": "会议 {n} 次 · 出席 {people} 人次", "en": "sessions: {n} · attendances: {people}"},
    "no_sessions": {
        "zh": "评估文件未记录任何工作会议及出席情况。",
        "en": "The assessment files record no working session and no attendance.",
    },
    "session_heading": {"zh": "{date} · {topic}", "en": "{date} · {topic}"},
    "session_no_topic": {"zh": "（未载明议题）", "en": "(topic not stated)"},
    "session_no_attendees": {"zh": "未记录出席人员。", "en": "No attendee was recorded."},
    "session_date": {"zh": "日期", "en": "Date"},
    "session_topic": {"zh": "议题", "en": "Topic"},
    "session_note": {"zh": "备注", "en": "Note"},
    "attendee_name": {"zh": "出席人员", "en": "Attendee"},
    "attendee_role": {"zh": "角色", "en": "Role"},
    "attendee_organisation": {"zh": "所属单位", "en": "Organisation"},
    # --- comparison with the previous assessment (report --previous) ---
    "previous_title": {"zh": "与上次评估的对比", "en": "Comparison with the previous assessment"},
    "previous_intro": {
        "zh": "本节将本次评估与上次评估（{file}，{date}）对比；两次评估按同一基准（{basis}）计分。",
        "en": "This section compares this assessment with the previous one ({file}, {date}); both are scored on one "
        "basis ({basis}).",
    },
    "previous_overall": {
        "zh": "整体等级：{old} → {new}（{change}）",
        "en": "Overall level: {old} → {new} ({change})",
    },
}

# The short name of each way a verdict was reached (executive summary, methodology table, CSV).
PROVENANCE_LABELS: dict[str, dict[str, str]] = {
    "evidence": {"zh": "证据判定", "en": "decided by evidence"},
    "confirmed": {"zh": "证据提议经确认", "en": "confirmed"},
    "proposed": {"zh": "证据提议待确认（不计入）", "en": "proposed (not counted)"},
    "answered": {"zh": "人工答复", "en": "answered"},
    "overridden": {"zh": "人工推翻证据", "en": "overridden"},
    "unanswered": {"zh": "未作答", "en": "unanswered"},
}

PROVENANCE_MEANINGS: dict[str, dict[str, str]] = {
    "evidence": {
        "zh": "采集证据直接判定：自动判定的要求，或证据不通过的证据辅助要求。",
        "en": "The collected evidence decided it: an automated requirement, or an assisted one whose evidence fails.",
    },
    "confirmed": {
        "zh": "依据证据起草的答复，经人员确认后计入。",
        "en": "An answer drafted from the evidence, counted because a person confirmed it.",
    },
    "proposed": {
        "zh": "依据证据起草、尚无人确认的答复，按未作答计。",
        "en": "An answer drafted from the evidence that nobody has confirmed; it counts as unknown.",
    },
    "answered": {"zh": "人员自行作答。", "en": "A person's own answer."},
    "overridden": {
        "zh": "人员说明理由、与证据结论不同的答复，以该答复为准。",
        "en": "A person's answer given against the evidence with a stated reason; it stands.",
    },
    "unanswered": {"zh": "既无证据判定，也无人作答。", "en": "Neither the evidence nor a person decided it."},
}

# The systems a collector reads, as their makers spell them.
COLLECTOR_NAMES: dict[str, dict[str, str]] = {
    "git": {"zh": "Git", "en": "Git"},
    "github": {"zh": "GitHub", "en": "GitHub"},
    "gitlab": {"zh": "GitLab", "en": "GitLab"},
    "mlflow": {"zh": "MLflow", "en": "MLflow"},
    "prometheus": {"zh": "Prometheus", "en": "Prometheus"},
    "grafana": {"zh": "Grafana", "en": "Grafana"},
    "jenkins": {"zh": "Jenkins", "en": "Jenkins"},
    "jira": {"zh": "Jira", "en": "Jira"},
    "zentao": {"zh": "禅道", "en": "ZenTao"},
    "kubernetes": {"zh": "Kubernetes", "en": "Kubernetes"},
    "airflow": {"zh": "Airflow", "en": "Airflow"},
    "kubeflow": {"zh": "Kubeflow Pipelines", "en": "Kubeflow Pipelines"},
    "feast": {"zh": "Feast", "en": "Feast"},
    "modelarts": {"zh": "ModelArts", "en": "ModelArts"},
    "scorecard": {"zh": "OpenSSF Scorecard", "en": "OpenSSF Scorecard"},
    "evidently": {"zh": "Evidently", "en": "Evidently"},
}

# Why a target's evidence was missing, when its records do not say (the bundle's collection state).
TARGET_STATE_LABELS: dict[str, dict[str, str]] = {
    "not_collected": {"zh": "未采集", "en": "not collected"},
    "deadline": {"zh": "超过采集时限", "en": "past the collection deadline"},
    "pending": {"zh": "未完成采集", "en": "collection unfinished"},
    "no_record": {"zh": "无该探针的记录", "en": "no record of the probe"},
}

SOURCE_LABELS: dict[str, dict[str, str]] = {
    "evidence": {"zh": "采集证据", "en": "collected evidence"},
    "manual": {"zh": "人工答复", "en": "manual answer"},
    "none": {"zh": "无", "en": "none"},
}

EVIDENCE_STATUS_LABELS: dict[str, dict[str, str]] = {
    "ok": {"zh": "正常", "en": "ok"},
    "unavailable": {"zh": "不可用", "en": "unavailable"},
    "error": {"zh": "错误", "en": "error"},
}

EVIDENCE_KIND_LABELS: dict[str, dict[str, str]] = {
    "document": {"zh": "文档", "en": "document"},
    "system_record": {"zh": "系统记录", "en": "system record"},
    "demonstration": {"zh": "现场演示", "en": "demonstration"},
    "interview": {"zh": "访谈", "en": "interview"},
}


def word(key: str, lang: Lang, **fmt: object) -> str:
    text = _WORDS[key][lang]
    return text.format(**fmt) if fmt else text


def collector_name(collector: str, lang: Lang) -> str:
    return COLLECTOR_NAMES.get(collector, {}).get(lang, collector)


def or_list(values: list[str], lang: Lang) -> str:
    """ "A, B or C" ("A、B 或 C")."""
    if len(values) < 2:
        return "".join(values)
    return word("or_join", lang, first=word("list_sep", lang).join(values[:-1]), last=values[-1])


def level_text(level: int | None, lang: Lang) -> str:
    return word("na", lang) if level is None else str(level)


def score_text(score: float | None, lang: Lang) -> str:
    return word("na", lang) if score is None else f"{score:.1f}"
