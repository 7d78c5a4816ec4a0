# 输入检查：未知字段、日期与时间的格式（规则配置之外，人写的检查记录与接口请求）。
input-unknown-field-nearest = { $at }：未知字段“{ $field }”，是否应为“{ $nearest }”？
input-unknown-field = { $at }：未知字段“{ $field }”；此处可用的字段：{ $expected }。
input-not-a-date = { $at }：{ $value } 不是日期，应写作 YYYY-MM-DD，例如 2027-08-31。
input-not-a-time = { $at }：{ $value } 不是时间，应写作带时区偏移的 RFC 3339 格式，例如 2026-11-23T09:30:00+08:00。
# 预检文件夹读不了的原因。
folder-unreadable = 无法读取 { $path }：{ $problem }
folder-invalid = { $path } 不是有效的预检说明文件：{ $problem }
folder-path-escapes = 证据 { $item }：文件 { $file } 必须是文件夹内的相对路径
folder-duplicate-id = 证据编号 { $id } 出现了两次
folder-item = 证据 { $item }：{ $problem }
folder-at = { $path }：{ $problem }
folder-item-at = 第 { $index } 条证据（从 1 数起）：{ $problem }
folder-photo-too-large = 文件有 { $size } 字节，超过照片的上限 { $limit } 字节
folder-id-number = 身份证号 `id_number` 有误：{ $problem }
folder-id-number-only-sign-off = 只有签字确认（`sign_off`）才填身份证号 `id_number`
folder-qr-text-only-si-scan = 只有社保扫码（`si_scan`）才填扫码文字 `qr_text`
folder-photo-needs-file = 照片须写明文件 `file`
folder-photo-not-an-image = 该文件不是 JPEG、HEIC/HEIF、PNG、`WebP` 或 TIFF 图片：照片必须是相机拍出的原文件
folder-si-scan-needs-source = 社保扫码须写明证书照片 `file`、扫码文字 `qr_text` 或导入的记录
