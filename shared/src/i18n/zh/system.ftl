# 呼叫中心系统：现场演示的功能、录音保存。
system-fn-caller-id-screening = 主叫号码甄别
system-fn-complaint-handling = 用户投诉处理
system-fn-inbound = 呼入
system-fn-outbound = 呼出
system-fn-recording = 录音
system-fn-data-storage = 数据存储
system-demo-missing = 未记录{ $function }功能演示。
system-demo-ok = 现场演示了{ $function }功能。
system-demo-failed = { $function }功能未能演示。
system-demo-no-capture = 但没有截图佐证。
system-retention-missing = 未记录系统设定的录音保存天数，也未记录最早可回放录音的日期。
system-retention-ok = 最早可回放录音为 { $oldest }，已保存 { $days } 天。
system-retention-short = 最早可回放录音为 { $oldest }，仅保存 { $days } 天，比要求的 { $min } 天少 { $short } 天。
system-retention-configured-ok = 系统设定录音保存 { $days } 天（现场查看设置），不少于 { $min } 天。
system-retention-configured-short = 系统设定录音只保存 { $days } 天，比要求的 { $min } 天少 { $short } 天。
system-retention-setting-unknown = 最早可回放录音为 { $oldest }，才保存 { $days } 天；未记录系统设定的保存天数，无法判断能否保存 { $min } 天。
system-retention-renewal-missing = 续期须提供近 { $months } 个月的业务录音，未记录最早可回放录音的日期。
system-functions-failed = 未能演示：{ $functions }。
system-functions-missing = 未记录系统功能检查。
system-functions-unchecked = 未检查：{ $functions }。
system-functions-ok = 以下功能均已演示：{ $functions }。
# 怎么办：每类问题一句。
system-do-demonstrate = 请在核查时现场演示该功能，并截图佐证。
system-do-capture = 请在演示时截图。
system-do-keep-recordings = 请把录音保存期限设为不少于 { $min } 天，并现场演示回放。
system-do-show-retention-setting = 请在现场打开系统的录音保存设置，录入设定的保存天数并截图。
system-do-bring-recordings = 请准备近 { $months } 个月的业务录音，现场回放最早的一段并录入其日期。
