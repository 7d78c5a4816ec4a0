# 照片作为证据的问题（手机端与报告共用）。
photo-no-gps = 照片没有GPS位置信息
photo-no-capture-time = 照片没有可用的拍摄时间
photo-outside-window = 拍摄时间不在核查时段内
photo-outside-geofence = 拍摄位置不在注册地址范围内
photo-editing-software = 照片经过编辑软件处理（{ $software }）
photo-gps-camera-skew = GPS时间与相机时间相差 { $seconds } 秒
photo-no-exif = 照片没有EXIF信息
photo-exif-error = 照片的EXIF信息无法读取（{ $error }）
photo-from-gallery = 照片从相册导入
