# 服务器的错误：问题文档中的说明（以及命令行在操作失败时打印的内容）。错误码（`inspection.sealed`）留在代码里，这里只写文字。

## 标题：HTTP 状态的文字说明。
error-title-bad-request = 请求有误
error-title-unauthorized = 未通过身份验证
error-title-forbidden = 无权操作
error-title-not-found = 未找到
error-title-request-timeout = 请求超时
error-title-conflict = 冲突
error-title-precondition-failed = 前提条件不满足
error-title-content-too-large = 内容过大
error-title-unsupported-media-type = 不支持的内容类型
error-title-unprocessable = 内容无法处理
error-title-too-many-requests = 请求过于频繁
error-title-checksum-mismatch = 校验和不符
error-title-internal = 服务器内部错误
error-title-unavailable = 服务暂不可用
error-title-other = 错误 { $status }

## 任何操作都可能遇到的。
error-internal = 服务器内部错误（已连同本次请求的编号记入日志）
error-database-unavailable = 暂时无法连接数据库，请稍后重试
error-store-unavailable = 暂时无法连接文件存储，请稍后重试
error-store-refused = 文件存储拒绝了请求（配置问题），请稍后重试
error-store-full = 存储空间已满，无法保存上传的内容，请稍后重试
error-upload-too-large = 请求内容超过 { $limit } 字节的上限
error-inspection-sealed = 该核查已封存，不能再添加或修改任何内容（如需补充，请新建补充核查）

## 未找到：所查找的对象。
error-no-such-resource = 没有这个资源
error-no-such-object = 没有这个已存储的对象
error-no-such-inspection = 没有这次核查
error-no-such-company = 没有这家公司
error-no-such-seat-tag = 没有这个坐席标签
error-no-such-organization = 没有这个机构
error-no-such-user = 没有这个用户
error-no-such-device = 没有这台设备
error-no-such-webhook = 没有这个回调地址
error-no-such-delivery = 没有这次推送记录
error-no-such-blob = 没有这份文件
error-no-such-upload = 没有这次上传

## 请求的解析。{ $problem } 是解析器原文（英文）。
error-request-content-type = 请以 `Content-Type: application/json` 发送
error-request-body-shape = 请求内容不符合该操作的要求：{ $problem }
error-request-body = 无法读取请求内容：{ $problem }
error-request-query = 无法读取查询参数：{ $problem }
error-request-path = 无法读取路径参数：{ $problem }
error-metrics-token = 访问 `/metrics` 需要配置的 `Bearer` 令牌

## 可续传上传（`tus`）。
error-tus-version = 请发送 `Tus-Resumable: 1.0.0`
error-tus-header = { $header } 须为非负整数
error-tus-metadata = 元数据 { $key } 不是 `base64` 编码的 UTF-8 文本
error-tus-metadata-sha256 = `sha256` 须为 64 位小写十六进制数字
error-tus-length = 必须提供 `Upload-Length`（不支持延后告知长度）
error-tus-content-type = `Content-Type` 须为 `application/offset+octet-stream`
error-tus-offset = 必须提供 `Upload-Offset`
error-tus-offset-mismatch = 该上传当前位于偏移量 { $offset }；请先用 HEAD 查询，再从该处续传
error-tus-offset-moved = 另一请求已移动了偏移量；请用 HEAD 查询后续传
error-tus-checksum-algorithm = 只支持 `sha256`
error-tus-checksum = `Upload-Checksum` 不是 `base64` 编码
error-tus-checksum-mismatch = 收到的数据与 `Upload-Checksum` 不符；未保留任何内容
error-tus-file-mismatch = 文件的哈希值为 { $sha256 }，与声明的 `sha256` 不符；本次上传已作废

## 登录与令牌。
error-token-missing = 需要提供 `Authorization: Bearer` 令牌
error-token-not-bearer = 应为 `Bearer` 令牌
error-token-malformed = 令牌格式有误
error-token-no-kid = 令牌未注明密钥编号（`kid`）
error-token-unknown-key = 令牌由未知的密钥签发
error-token-critical-header = 令牌带有关键头部扩展（`crit`），不予接受
error-token-expired = 访问令牌已过期，请刷新
error-token-rejected = 令牌被拒绝
error-token-issued-in-future = 令牌的签发时间在未来
error-token-not-yet-valid = 令牌尚未生效
error-token-lifetime = 令牌有效期超过配置的时长
error-token-algorithm = 不支持该令牌的签名算法
error-token-unknown-subject = 没有用户与该身份关联
error-token-user-gone = 该令牌的用户已不存在或已停用
error-idp-unavailable = 暂时无法获取身份提供方的密钥，请稍后重试
error-idp-key-unusable = 身份提供方的密钥无法使用
error-role-cannot = { $role } 角色无权执行此操作

## 上传与解码。
error-upload-incomplete = 上传中途中断：{ $problem }
error-upload-stalled = 已有 { $seconds } 秒未收到任何上传数据；未保存任何内容
error-upload-digest-required = 请发送 `X-Content-SHA256`（十六进制）或 `Content-Digest`（`sha-256`）
error-upload-digest-header-hex = `X-Content-SHA256` 须为 64 位十六进制数字
error-upload-content-digest-base64 = `Content-Digest` 中的 `sha-256` 不是 `base64` 编码
error-upload-content-digest-length = `Content-Digest` 中的 `sha-256` 须为 32 字节
error-upload-content-digest-missing = `Content-Digest` 中没有 `sha-256`
error-upload-digest-mismatch = 收到的数据哈希值为 { $received }，与声明的 { $announced } 不符；未保存任何内容
error-photo-digest-mismatch = 照片的 SHA-256 与声明的不符
error-evidence-roles = 无法读取岗位：{ $problem }
error-image-too-large-to-decode = 解码这张图片约需 { $needed_mb } MB 内存，超过服务器 { $budget_mb } MB 的解码额度
error-decode-busy = 服务器正在解码其他照片，请稍后重试

## 所发送内容中的个人信息。
error-personal-id-in-identifier = { $field } 中含有完整的身份证号码；标识符不会被改写，请换一个不含身份证号码的
error-personal-id-unmaskable = { $field } 中含有一长串数字，遮盖后在该处不再有效
error-personal-id-json = 无法按 JSON 读取该文档：{ $problem }

## 核查。
error-role-cannot-change-official = { $role } 角色不能修改正式核查
error-role-cannot-change-rehearsal = { $role } 角色不能修改预检
error-official-by-inspector = 正式核查只能由核查人员发起
error-rehearsal-by-company = 预检由企业员工进行
error-profile-unknown = 没有名为 { $profile } 的规则配置
error-profile-invalid = 该规则配置无法使用：{ $problem }
error-inspection-busy = 该核查同时被修改，请重试
error-inspection-not-object = 核查数据须为 JSON 对象
error-inspection-invalid = 无法读取核查数据：{ $problem }
error-inspection-uscc-not-company = 核查中的统一社会信用代码与企业机构的不一致
error-inspection-time-zone = 未知的时区 { $zone }
error-inspection-window = 核查时间段的结束早于开始
error-inspection-geofence = 地理围栏半径须为正数
error-inspection-supplement = 补充核查须接在同一企业、同一模式的已封存核查之后
error-seat-id = 坐席编号须为 1 至 64 个字符，且不含“:”
error-seat-id-personal-id = 坐席编号中含有完整的身份证号码；请选用不含身份证号码的坐席编号
error-assignment-device = 任务只能下发到您本人已登记且未吊销的设备

## 封存、导出与复核。
error-sign-off-missing-inspector = 缺少核查人员的签字确认
error-sign-off-missing-representative = 缺少企业代表的签字确认
error-sign-off-no-image = 企业代表的签字确认 { $item } 没有签名图像
error-sign-off-no-person = 企业代表的签字确认 { $item } 未注明签字人（遮盖后的身份证号码与密钥哈希）
error-sign-off-shared-image = 签字确认 { $first } 与 { $second } 以同一签名图像用于两个身份
error-seal-sign-offs = 正式核查须在现场记录签字确认后才能封存：{ $problems }
error-seal-timestamp = 时间戳服务失败，未封存：{ $problem }
error-seal-evidence-path = 证据 { $first } 与 { $second } 将存为同一路径 { $path }
error-seal-changed = 封存过程中核查内容有变化（收到了新的证据或坐席标签），未封存任何内容，请重新封存
error-inspection-not-sealed = 该核查尚未封存
error-export-no-signing-key = 封存之后的事件无法签名：{ $problem }
error-review-rehearsal = 预检不需要复核
error-review-comment = 复核意见最多 { $max } 个字
error-review-not-sealed = 只有已封存的核查才能复核

## 封存日志。
error-log-busy = 其他写入方正在追加封存日志，请重试
error-log-rotating = 封存密钥环正在轮换，请重试
error-log-no-signing-key = 封存密钥环没有在用的密钥，无法签署树头
error-log-start = 起始位置 { $start } 超出日志长度 { $size }
error-log-sizes = 须满足 0 < `first` ≤ `second` ≤ { $size }（日志长度），收到的是 { $first } 和 { $second }

## 会话。
error-sign-in-too-many-failures = 登录失败次数过多，请稍后再试（见 `Retry-After`）
error-bad-credentials = 用户名或密码错误
error-bad-refresh-token = 刷新令牌未知、已过期或已吊销，请重新登录
error-refresh-reused = 该刷新令牌已被使用过：本次登录的所有令牌均已吊销，请重新登录

## 回调地址（`webhook`）。
error-webhook-url = 无法读取回调地址：{ $problem }
error-webhook-scheme = 回调地址只能使用 `http` 或 `https`
error-webhook-target = 回调地址的目标被拒绝：{ $problem }
error-webhook-event = 未知的事件 { $event }（可选：{ $known }）

## 机构、用户与设备。
error-organization-name = 名称为空
error-company-needs-uscc = 企业须提供统一社会信用代码
error-company-needs-authority = 企业须提供 `authority_id`
error-not-an-authority = `authority_id` 所指的不是主管机关
error-organization-company-fields = `uscc` 与 `authority_id` 仅用于企业
error-organization-exists = 已有使用该统一社会信用代码的企业
error-user-role-org = { $role } 角色属于 { $wanted } 类机构，而不是 { $found }
error-username = 用户名须为 1 至 64 个字符，且不含空格
error-username-personal-id = 用户名中含有完整的身份证号码；请换一个不含身份证号码的
error-password-short = 密码至少需要 { $min } 个字符
error-user-needs-password = 用户须设置密码或 `external_subject`
error-user-exists = 该用户名已被占用
error-user-self = 管理员不能停用自己，可由另一位管理员停用
error-user-last-admin = 这是最后一位在用的管理员：请先新建或启用另一位管理员
error-device-key = 不是 P-256 公钥：{ $problem }
error-device-exists = 该密钥已登记
error-seat-tag = 无法签发坐席标签：{ $problem }

## 身份证号码（从不写出号码本身）。
error-id-number-length = 身份证号码有 { $found } 位，应为 18 位（旧证为 15 位）
error-id-number-characters = 身份证号码只能由 17 位数字和最后一位校验码（数字或 X）组成
error-id-number-check-digit = 身份证号码未通过 GB 11643 校验码检验
error-id-number-birth-date = 身份证号码中的出生日期（第 7–14 位）不是真实日期
error-id-number-region = 身份证号码的前两位不是省级行政区划代码
error-id-number-legacy = 15 位旧身份证号码没有校验码，无法核验

## 证据。
error-missing-file-by-client = `item.missing_file` 只由 `hecha check` 为文件夹中缺少的文件填写；请改为上传文件内容
error-evidence-seat-tag = 该坐席标签不是本服务器为这次核查签发的
error-evidence-blob-missing = 请先上传文件内容（`sha256` { $sha256 }），再提交该证据
error-evidence-blob-size = 证据声明的大小为 { $said } 字节，已存储的文件为 { $stored } 字节
error-evidence-photo-too-large = 超过 { $limit } 字节的照片无法读取
error-evidence-id = 证据编号须为 1 至 128 个字符，只能使用 A–Z、a–z、0–9 及 - _ . :
error-evidence-captured-by = `captured_by` 须为调用者本人的用户编号
error-evidence-qr-text-kind = `qr_text` 仅用于社保查询扫码（`si_scan`）证据
error-evidence-qr-text-signed = 已签名的证据应带解析后的记录，而不是 `qr_text`
error-evidence-blob-sha256 = `blob.sha256` 须为 64 位小写十六进制数字
error-evidence-photo-blob = 照片须附带文件内容（`blob`）
error-evidence-media-blob = 音视频须附带文件内容（`blob`）
error-evidence-not-an-image = 照片文件须为 JPEG、HEIC/HEIF、PNG、`WebP` 或 TIFF 图像：请发送相机拍摄的原始文件
error-evidence-exif-mismatch = 证据中的 EXIF 信息与其照片不符
error-evidence-record = 请以 `qr_text` 发送扫码所得文本，或发送证件照片：由服务器解析、遮盖并对身份证号码做哈希
error-evidence-id-number-signed = 已签名的签字确认应带签字人信息（遮盖后的身份证号码与密钥哈希），而不是 `id_number`
error-evidence-id-number = `id_number`：{ $problem }
error-evidence-person = 请以 `id_number` 发送签字人的身份证号码：由服务器生成遮盖后的号码和密钥哈希
error-evidence-signature-image = 企业代表的签字确认须附带签名图像（`blob`）
error-evidence-signed-personal-id = { $fields } 中含有完整的身份证号码；已签名的证据不会被改写，请在设备上遮盖后重新签名
error-evidence-device-id = 证据中的 `device_id` 不是签名设备
error-evidence-device-not-enrolled = 签名设备不是调用者已登记的设备
error-evidence-invalid = 无法计算该证据的摘要：{ $problem }
error-evidence-signature = 设备签名验证失败：{ $problem }
error-evidence-conflict = 证据 { $item } 已有记录，且内容不同
