# 通用：列表分隔符、核查结论、汇总、引擎本身的说明。
list-separator = ；
list-separator-inner = ，
status-pass = 通过
status-fail = 不通过
status-missing = 缺少证据
status-needs-review = 需人工复核
status-not-applicable = 不适用
summary = 通过 { $pass }，不通过 { $fail }，缺少证据 { $missing }，需复核 { $needs_review }，不适用 { $not_applicable }。{ $information ->
    [0] {""}
   *[other] 其中 { $information } 项仅供参考（主管部门的时限，企业无法左右），不影响是否就绪。
}{ $ready ->
    [yes] 已就绪：计入就绪的规则无不通过、无缺项。
   *[no] 尚未就绪：有不通过或缺项。
}
rule-not-applied = 本配置不适用此规则。
rule-bad-parameters = 规则参数错误：{ $reason }
rule-unknown = 未知规则。
evidence-file-missing = 证据 { $item }：找不到文件 { $file }。
evidence-do-add-file = 请把文件放进文件夹，或改正 inspection.toml 中写的路径。
# 预检：正式核查当天会重新核查的规则。
recheck-heading = 这是预检。正式核查当天会重新核查以下规则，预检通过不代表当天能通过：
recheck-on-site = 在核查时段内于现场重新拍照、扫码、拨测和演示：{ $rules }。
recheck-as-of-the-day = 按正式核查当天的日期重新计算：{ $rules }。
# 依据：规则所依据的来源文件。
source-heading = 依据
source-unlisted = 未登记的依据文件 { $file }
# 规则配置无法使用的原因。
profile-unknown = 没有名为 { $id } 的内置规则配置（可用：{ $known }）
profile-not-toml = 规则配置不是有效的 TOML：{ $problem }
profile-unknown-rule = 规则配置 { $profile }：不认识规则 { $rule }
profile-duplicate-rule = 规则配置 { $profile }：规则 { $rule } 出现了两次
profile-missing-rules = 规则配置 { $profile }：缺少规则 { $rules }（每条规则都要列出，不适用的写 `applies = false`）
profile-bad-parameters = 规则配置 { $profile }：规则 { $rule } 的参数有误：{ $problem }
profile-no-citation = 规则配置 { $profile }：规则 { $rule } 没有引用依据，请摘录其所依据的原文（`[[rule.cite]]` 的 `source`、`quote`、`en`）
profile-seeds-listed = 规则配置 { $profile }：规则 { $rule } 仍按旧格式列出依据文件（`seeds = [...]`），请改为摘录原文（`[[rule.cite]]`），每个来源在 `[sources]` 中登记一次
profile-unknown-source = 规则配置 { $profile }：规则 { $rule } 引用的来源 { $source } 未在 `[sources]` 中登记
profile-empty-citation = 规则配置 { $profile }：规则 { $rule } 对来源 { $source } 的摘录或英文译文为空
profile-no-photo-table = 规则配置 { $profile }：缺少 `[photo]` 表；每个配置都要在其中设定 `max_gps_camera_skew_s`、`editing_software` 和 `backing_photo_outside`（手机、服务器收件和报告都按它判断每张照片）
profile-no-seal-table = 规则配置 { $profile }：缺少 `[seal]` 表；每个配置都要在其中设定 `sign_offs`（正式封存前须签字的人，如 `["inspector", "company_representative"]`）
profile-photo-keys-in-rule = 规则配置 { $profile }：规则 `site.real_address` 设定了 { $keys }；照片参数应写在配置的 `[photo]` 表中
profile-scope-mismatch = 规则配置 { $profile } 适用于{ $profile_scope }许可证，本次核查是{ $inspection_scope }：其号码前缀、社保月数、注册资本和省份都是另一种许可证的，不能混用。请选用与核查范围一致的规则配置。
