# 照片作为证据的问题（手机端与报告共用）。
photo-no-gps = 照片没有GPS位置信息
photo-no-capture-time = 照片没有可用的拍摄时间
photo-before-window = 拍摄时间早于核查时段开始 { $minutes } 分钟
photo-after-window = 拍摄时间晚于核查时段结束 { $minutes } 分钟
photo-outside-geofence = 拍摄位置距经营地址 { $distance } 米，超出 { $radius } 米的范围 { $beyond } 米
photo-editing-software = 照片经过编辑软件处理（{ $software }）
photo-gps-camera-skew = GPS时间与相机时间相差 { $seconds } 秒
photo-no-exif = 照片没有EXIF信息
photo-exif-error = 照片的EXIF信息无法读取（{ $error }）
photo-from-gallery = 照片从相册导入
photo-item = { $item }：{ $reasons }
# 数据显示的可能原因。
photo-cause-gcj02 = 可能原因：坐标是GCJ-02（国内地图坐标）却按WGS-84写入；换算后距经营地址 { $distance } 米，在范围内
photo-cause-sign-lost = 可能原因：GPS经纬度参考标记（N/S、E/W）丢失，坐标落到了另一半球
photo-cause-no-offset = 可能原因：拍摄时间没有时区偏移，按 { $time_zone } 解读
photo-cause-camera-clock = 可能原因：相机时钟不准，按GPS时间照片是在核查时段内拍摄的
# 怎么办：每类问题一句。
photo-do-turn-on-location = 请开启定位后，在现场用本应用的相机重拍。
photo-do-retake-in-window = 请在核查时段内于现场重拍。
photo-do-retake-on-site = 请在经营地址范围内重拍。
photo-do-hand-in-original = 请提交相机拍摄的原始照片，不要提交编辑过的照片。
photo-do-set-clock = 请把手机时间设为自动获取网络时间后重拍。
photo-do-keep-exif = 请用本应用的相机重拍；经聊天软件转发的照片会丢失EXIF信息。
photo-do-use-app-camera = 请用本应用的相机拍摄，不要从相册导入。
# 佐证某条规则的照片。
photo-backing-outside = 佐证照片不是在核查时段内于经营地址拍摄的，不能作为佐证：{ $photos }。
photo-backing-unproven = 没有一张佐证照片经得起核验，需人工复核：{ $photos }。
