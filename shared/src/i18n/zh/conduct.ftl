# 外呼行为（可选的运营检查）。
conduct-missing = 未录入外呼号码的运营数据。
conduct-number-value = { $number }（{ $value }）
conduct-out-of-bounds = { $figure }不达标（要求 { $threshold }）：{ $numbers }。
conduct-not-entered = 以下号码未录入{ $figure }：{ $numbers }。
conduct-ok = 每个号码的{ $figure }均达标（{ $threshold }）。
conduct-fig-calls-per-day = 单号码日呼叫量
conduct-fig-interval = 呼叫间隔（秒）
conduct-fig-complaint-rate = 投诉率（%）
conduct-fig-health = 号码健康度
conduct-fig-consent = 用户同意凭证留存
# 怎么办：每类问题一句。
conduct-do-enter-figures = 请从运营商或外呼平台导出每个外呼号码的运营数据并录入。
conduct-do-fix-numbers = 请调整外呼策略，使上述号码达标后再核查。
