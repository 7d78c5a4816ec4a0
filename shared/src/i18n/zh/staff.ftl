# 员工社保：人数、缴费月数、本地参保、专业、负责人。
role-license-lead = 许可证负责人
role-customer-service-lead = 客户负责人
role-network-security-lead = 网络安全负责人
role-technical-lead = 技术负责人
role-agent = 坐席
role-other = 其他人员
staff-none-scanned = 没有社保扫码记录。
staff-subject-insured = 由本公司缴纳社保的员工
staff-subject-months = 连续缴费月数达标的员工
staff-subject-local = 在本地参保的员工
staff-subject-specialty = 计算机/通信相关专业的员工
staff-count = { $what }：{ $n } 人（要求至少 { $min } 人{ $short ->
    [0] {""}
   *[other] ，还差 { $short } 人
}）。
staff-counted = 计入：{ $names }。
staff-not-counted = 不计入：{ $reasons }。
staff-to-review = 需复核：{ $reasons }。
staff-person-unreadable = { $who }：二维码格式无法识别
staff-person-charset-guessed = { $who }：二维码文字无法识别，且其字符集系推测（{ $charset }），可能读错
staff-person-id-invalid = { $who }：身份证号校验位不符
staff-person-other-employer = { $who }：由其他单位参保
staff-person-employer-unknown = { $who }：未显示参保单位
staff-person-months-paid = { $who }：连续缴费 { $months } 个月，比要求的 { $min } 个月少 { $short } 个月
staff-person-months-unknown = { $who }：未显示缴费月数
staff-person-place-unknown = { $who }：未显示参保地
staff-person-insured-in = { $who }：参保地为{ $places }
staff-person-specialty-other = { $who }：专业不属于计算机/通信类
staff-person-specialty-unknown = { $who }：未录入专业
staff-local-unconfigured = 未配置本地参保地，且经营地址未注明城市或省份。
staff-lead-ok = 技术负责人通信从业 { $years } 年。
staff-lead-short = 技术负责人通信从业 { $years } 年，比要求的 { $min } 年少 { $short } 年。
staff-lead-none = 参保员工中没有技术负责人。
staff-lead-years-unknown = 未录入技术负责人的从业年限。
staff-roles-ok = 规定的负责人（{ $roles }）均在参保人员中。
staff-roles-missing = 参保人员中缺少：{ $roles }。
# 怎么办：每类问题一句。
staff-do-scan-certificates = 请扫描每位员工社保参保证明上的二维码。
staff-do-rescan-original = 请对社保参保证明原件上的二维码重新扫码；仍无法识别的，请带上原件交核查人员查看。
staff-do-check-id = 请核对身份证号；扫码结果有误的，请带上社保参保证明原件。
staff-do-insure-here = 请由本公司为其缴纳社保。
staff-do-full-certificate = 请打印显示参保单位、参保地和缴费月数的完整参保证明，再扫码。
staff-do-wait-months = 须连续缴费满 { $min } 个月：请缴满后再申请，或由已缴满的员工计数。
staff-do-insure-locally = 请在本地为其参保。
staff-do-specialty = 请由计算机或通信相关专业的员工计数。
staff-do-enter-specialty = 请录入其所学专业，并带上毕业证书。
staff-do-name-city = 请在经营地址中写明城市或省份，或在规则配置中设置本地参保地。
staff-do-lead-experience = 请由通信从业满 { $min } 年的人员担任技术负责人。
staff-do-insure-lead = 请为技术负责人在本公司缴纳社保，并在扫码时注明其岗位。
staff-do-lead-years = 请录入技术负责人的通信从业年限，并带上工作经历证明。
staff-do-insure-roles = 请为上述负责人在本公司缴纳社保，并在扫码时注明岗位。
staff-person-lapsed = { $who }：最后缴费月份为 { $last }，距核查当月已 { $gap } 个月，超过 { $max } 个月，视为断缴
staff-do-pay-up = 请补缴社保至核查当月或上月，并在取得许可证前保持不断缴。
