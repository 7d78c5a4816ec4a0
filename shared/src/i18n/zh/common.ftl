# 通用：列表分隔符、核查结论、汇总、引擎本身的说明。
list-separator = ；
list-separator-inner = ，
status-pass = 通过
status-fail = 不通过
status-missing = 缺少证据
status-needs-review = 需人工复核
status-not-applicable = 不适用
summary = 通过 { $pass }，不通过 { $fail }，缺少证据 { $missing }，需复核 { $needs_review }，不适用 { $not_applicable }。{ $ready ->
    [yes] 已就绪：无不通过、无缺项。
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
