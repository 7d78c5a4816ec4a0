# 许可证日期与审批时限（演练提醒）。
license-new-application = 新申请，不涉及现有许可证。
license-missing = 续期申请未录入现有许可证信息。
license-renewal-late = 续期申请距到期仅 { $days } 天，应至少提前 { $min } 天（晚了 { $short } 天）。
license-renewal-ok-late = 提前 { $days } 天申请续期（建议提前 { $recommended } 天）。
license-renewal-ok = 提前 { $days } 天申请续期。
license-expired = 许可证已于 { $expires } 过期。
license-term-odd = 许可证有效期（{ $issued } 至 { $expires }）不是 { $years } 年。
license-valid = 许可证有效期至 { $expires }。
license-annual-ok = 历年年报均按时报送。
license-annual-missing = 以下 { $n } 个年度未按时（{ $first }–{ $last } 月）报送年报：{ $years }。
process-acceptance-missing = 未录入受理日期。
process-inspection-late = 受理后第 { $days } 个工作日才核查，超过规定的 { $max } 个工作日 { $over } 个工作日。这是主管部门的时限，仅供参考。
process-inspection-ok = 受理后第 { $days } 个工作日核查。
process-decision-late = 过了 { $days } 个{ $unit }才作出决定，超过规定的 { $max } 个{ $unit } { $over } 个。这是主管部门的时限，仅供参考。
process-calendar-days = 自然日（自收到申请之日起）
process-working-days = 工作日（自受理之日起）
# 怎么办：每类问题一句。
license-do-enter-license = 请录入现有许可证的发证日期和有效期。
license-do-renew-now = 请尽快提交续期申请。
license-do-apply-anew = 许可证已过期，须按新申请办理。
license-do-check-dates = 请对照许可证原件核对发证日期和有效期。
license-do-file-annual-reports = 请补报所缺年度的年报。
# 续期的年检记录（000）。
license-records-ok = { $first } 至 { $last } 年的年检记录齐全，均为合格。
license-records-none-due = 发证以来尚无到期的年检。
license-records-failed = 以下年度年检不合格：{ $years }。
license-records-missing = 缺少 { $n } 个年度的年检记录：{ $years }。
license-records-result-unknown = 以下年度的年检记录未写明是否合格：{ $years }。
# 怎么办。
license-do-rectify-annual-inspection = 请按不合格年检指出的问题整改，并带上管理机关的整改验收结论。
license-do-bring-inspection-records = 请带上每年的年检记录（电信业务市场综合管理信息系统的截图）及其结论。
