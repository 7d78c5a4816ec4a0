# 输入检查：未知字段、日期与时间的格式（规则配置之外，人写的检查记录与接口请求）。
input-unknown-field-nearest = { $at }：未知字段“{ $field }”，是否应为“{ $nearest }”？
input-unknown-field = { $at }：未知字段“{ $field }”；此处可用的字段：{ $expected }。
input-not-a-date = { $at }：{ $value } 不是日期，应写作 YYYY-MM-DD，例如 2027-08-31。
input-not-a-time = { $at }：{ $value } 不是时间，应写作带时区偏移的 RFC 3339 格式，例如 2026-11-23T09:30:00+08:00。
