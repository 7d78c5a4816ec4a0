# 坐席：数量、现场拨测、设备。
seats-none = 没有识别任何坐席。
seats-count-ok = 识别出 { $n } 个实体坐席（要求至少 { $min } 个）。
seats-count-short = 只识别出 { $n } 个实体坐席，比要求的 { $min } 个少 { $short } 个。
seats-count-renewal-people = 续期核查的是坐席/客服人数（见坐席/客服人员规则），不核查坐席个数。
seats-seat = { $seat }：{ $why }
seats-dial-wrong-number = 拨打的号码 { $number } 不是 { $prefix } 号码
seats-dial-not-connected = 未接通
seats-dial-no-caller-id = 未显示主叫号码
seats-dial-no-playback = 录音未回放
seats-dial-outside-window = 拨测时间 { $at } 不在核查时段内（相差 { $minutes } 分钟）
seats-dial-untested = 未拨测
seats-dial-none = 没有拨测记录。
seats-dial-ok = { $n } 个坐席拨测全部通过。
seats-dial-failed = { $n } 个坐席拨测未通过：{ $seats }。
seats-equipment-missing = 未检查坐席设备。
seats-equipment-ok = { $n } 个坐席设备齐全（电话、电脑、耳机）。
seats-equipment-lacking = { $n } 个坐席设备不全：{ $seats }。
seats-equipment-no-photo = 但没有坐席照片。
# 怎么办：每类问题一句。
seats-do-record-seats = 请为每个实体坐席记录设备检查和拨测。
seats-do-more-seats = 请再配置 { $short } 个实体坐席。
seats-do-dial = 请在核查时段内从每个坐席拨打本公司的呼叫中心号码，确认显示主叫号码并回放录音。
seats-do-check-equipment = 请逐个坐席检查电话（或软电话）、电脑和耳机。
seats-do-equip = 请为每个坐席配齐电话（或软电话）、电脑和耳机。
seats-do-photograph = 请在核查时段内拍摄坐席照片。
