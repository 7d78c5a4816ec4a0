# 坐席标签：打印后贴在每个实体坐席上，拨测前扫码。
labels-title = 坐席标签
labels-seat = 坐席
labels-hint = 拨测前用核查终端扫描此码
labels-footer = 核查 { $inspection } · 共 { $n } 个坐席 · A4 打印，实际尺寸（不缩放）
