# 场地：办公面积、租赁、到达经营地址。
site-area-missing = 未录入办公面积。
site-area-ok = 办公面积 { $area } ㎡，不少于 { $min } ㎡。
site-area-short = 办公面积 { $area } ㎡，比要求的 { $min } ㎡ 少 { $short } ㎡。
site-area-no-photo = 但没有办公场地照片佐证所录面积。
site-lease-owned = 公司自有房产（房产证）。
site-lease-missing = 未提供租赁合同或房产证明。
site-lease-not-covering = 租赁期 { $start } 至 { $end } 未覆盖核查日 { $today }。
site-lease-short = 租期 { $months } 个月，比要求的 { $min } 个月少 { $short } 个月。
site-lease-ok = 租期 { $months } 个月（{ $start } 至 { $end }）。
site-lease-registered = 已在房管局备案。
site-lease-unregistered = 但租赁未在房管局备案。
site-lease-registration-unknown = 未说明是否已在房管局备案。
site-visit-outside = 有照片不在经营地址范围内或不在核查时段内：{ $photos }。
site-visit-ok = { $n } 张照片的定位与拍摄时间证明核查时段内到达了经营地址。
site-visit-none = 没有现场照片。
site-visit-review = 可自动核验的现场照片不足 { $min } 张；{ $n } 张需人工复核：{ $photos }。
site-visit-also-review = 另有 { $n } 张照片需人工复核：{ $photos }。
# 怎么办：每类问题一句。
site-do-enter-area = 请实地测量办公面积并录入（平方米）。
site-do-larger-office = 办公面积须不少于 { $min } ㎡：请换用更大的场地，或一并租用相连的办公区。
site-do-photograph-office = 请在核查时段内于现场拍摄办公场地全景，佐证所录面积。
site-do-bring-lease = 请带上房屋租赁合同原件；公司自有房产的，带上房产证。
site-do-renew-lease = 请续签租赁合同，使租期覆盖核查日。
site-do-longer-lease = 请签订租期不少于 { $min } 个月的租赁合同。
site-do-register-lease = 请到房管局办理租赁登记备案，并带上《房屋租赁登记备案证明》。
site-do-photograph-site = 请在核查时段内于经营地址用本应用的相机拍摄现场照片。
