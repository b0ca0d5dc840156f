"""Text normalisation and jieba tokenisation for the classifier.

`normalise_text` folds full-width forms (NFKC) and common traditional characters to simplified, so an item
copied from a traditional-character mirror site looks like its simplified original to the model. `tokenize` is a
module-level function (not a lambda) so a fitted scikit-learn pipeline that uses it can be pickled by joblib.

Example:
    >>> tokenize("負責轄區內農村低保對象的入戶調查")  # doctest: +SKIP
    ['负责', '辖区', '内', '农村', '低保', '对象', '的', '入户', '调查']
"""

import re
import unicodedata

from dutylist.lexicon import load_jieba

# Traditional -> simplified pairs for characters common in government text. Only one-to-one folds are listed:
# characters whose simplified form depends on the word (乾/干, 著/着, 隻/只 …) are left alone, since a wrong fold
# would hurt more than the unfolded character (the char n-grams still see it).
_PAIRS = """
負负 責责 轄辖 區区 內内 農农 業业 對对 會会 員员 務务 們们 個个 這这 時时 國国 與与 為为 發发 開开 關关 於于 從从 進进 過过 還还 動动 處处 權权 機机 構构 組组 織织 黨党 紀纪 監监
導导 領领 幹干 縣县 鄉乡 鎮镇 辦办 莊庄 戶户 計计 劃划 畫画 實实 現现 產产 經经 濟济 設设 環环 護护 衛卫 據据 醫医 療疗 險险 藥药 學学 師师 資资 費费 財财 稅税 徵征 執执 規规 範范
條条 審审 許许 證证 質质 檢检 驗验 測测 鑒鉴 鑑鉴 評评 預预 報报 災灾 難难 應应 搶抢 氣气 電电 煙烟 糧粮 漁渔 獸兽 廁厕 廢废 棄弃 汙污 壩坝 庫库 橋桥 隊队 網网 點点 線线 統统 調调
標标 準准 級级 類类 項项 單单 牆墙 園园 場场 廠厂 礦矿 車车 輛辆 運运 輸输 駕驾 駛驶 塊块 歸归 屬属 徑径 勞劳 傷伤 殘残 礙碍 婦妇 兒儿 團团 壯壮 齡龄 養养 撫抚 軍军 優优 儀仪 禮礼
聯联 絡络 繫系 係系 協协 參参 獲获 補补 貼贴 貸贷 帳账 賬账 餘余 額额 價价 錢钱 銀银 購购 買买 賣卖 貨货 營营 銷销 號号 廣广 傳传 訊讯 話话 說说 論论 語语 讀读 書书 記记 錄录 檔档
歷历 遺遗 舊旧 築筑 暫暂 緊紧 張张 亂乱 擺摆 攤摊 違违 佔占 擴扩 遷迁 穩稳 維维 訪访 訴诉 願愿 見见 視视 覽览 觀观 頻频 題题 顧顾 問问 間间 聞闻 門门 閒闲 閱阅 東东 專专 職职 種种
飼饲 藝艺 術术 體体 壇坛 綠绿 紅红 結结 總总 確确 認认 識识 譯译 議议 讓让 談谈 請请 諮咨 詢询 謀谋 試试 誤误 該该 詳详 細细 約约 紙纸 純纯 給给 終终 練练 績绩 續续 縮缩 紛纷 糾纠
絕绝 綜综 緣缘 編编 緝缉 繳缴 勢势 勵励 勸劝 華华 歲岁 殺杀 湯汤 溝沟 滅灭 漢汉 潔洁 澤泽 濕湿 灣湾 烏乌 無无 熱热 燈灯 爭争 爾尔 牽牵 獨独 獎奖 畝亩 當当 盡尽 盤盘 眾众 衆众 禍祸
禦御 離离 積积 窮穷 競竞 筆笔 節节 簡简 籌筹 簽签 繪绘 罰罚 羅罗 義义 習习 聖圣 聽听 聲声 臨临 興兴 舉举 艱艰 葉叶 蓋盖 蘇苏 蟲虫 裝装 製制 複复 復复 親亲 覺觉 訂订 討讨 訓训 詞词
誌志 課课 諸诸 謝谢 變变 豐丰 貧贫 貫贯 賠赔 賴赖 趕赶 跡迹 較较 載载 輔辅 輕轻 連连 週周 遊游 達达 遞递 遠远 適适 選选 邊边 鄰邻 釋释 鋪铺 錯错 鐵铁 長长 閉闭 閘闸 階阶 際际 陳陈
陸陆 隱隐 雜杂 雞鸡 雙双 靜静 響响 頁页 頂顶 順顺 須须 頒颁 頭头 顯显 風风 飛飞 飯饭 飲饮 館馆 馬马 驅驱 髮发 鬥斗 魚鱼 鳥鸟 鹽盐 麥麦 黃黄 齊齐 龍龙 壓压 墳坟 壞坏 堅坚 奪夺 奮奋
孫孙 寧宁 寫写 寶宝 將将 屆届 層层 嶺岭 島岛 幣币 帶带 幫帮 廳厅 彈弹 彙汇 徹彻 憲宪 態态 慮虑 懷怀 戰战 掃扫 換换 揮挥 損损 攜携 擇择 擁拥 擊击 擔担 擬拟 攝摄 數数 斷断 極极 槍枪
樣样 樓楼 樞枢 橫横 櫃柜 歡欢 毀毁 漲涨 滯滞 潰溃 澇涝 燒烧 狀状 獄狱 異异 盜盗 碼码 礎础 稱称 穀谷 糞粪 緩缓 繼继 肅肃 脅胁 虛虚 裡里 詐诈 誠诚 諾诺 譽誉 販贩 貪贪 貿贸 賭赌 賽赛
贈赠 輪轮 辭辞 郵邮 釀酿 鍋锅 鏈链 陽阳 隨随 雖虽 雲云 霧雾 靈灵 顏颜 飾饰 騙骗 鬧闹 鮮鲜 麼么 來来 兩两 併并 倉仓 偵侦 備备 債债 儲储 凍冻 別别 則则 剛刚 劑剂 勝胜 卻却 厲厉 啟启
嚴严 圍围 圖图 夠够 夢梦 嬰婴 寬宽 尋寻 幾几 彎弯 惡恶 愛爱 慣惯 憂忧 懲惩 採采 撥拨 擋挡 擠挤 擾扰 攔拦 敗败 暢畅 曆历 榮荣 樂乐 樹树 歐欧 決决 況况 沒没 淨净 減减 溫温 滿满 潛潜
濃浓 爐炉 獵猎 獻献 畢毕 矯矫 窩窝 籃篮 絲丝 綱纲 締缔 縫缝 縱纵 繩绳 聰聪 脫脱 萬万 藍蓝 蘭兰 衝冲 襲袭 觸触 訟讼 診诊 誰谁 講讲 謹谨 豬猪 貴贵 賓宾 賞赏 贏赢 蹤踪 軌轨 輝辉 轉转
辯辩 銅铜 鋼钢 鎖锁 鏡镜 鐘钟 閃闪 闊阔 隸隶 頸颈 顆颗 颱台 臺台 飢饥 餵喂 駐驻 驚惊 髒脏 麗丽 齒齿 鬱郁 後后 誘诱 貢贡 賀贺 賃赁 賢贤 鑄铸 稟禀 墾垦 懸悬 掛挂 棟栋 樁桩 濱滨 灘滩
煉炼 瘋疯 盞盏 窪洼 竊窃 緯纬 腳脚 膚肤 艦舰 薦荐 謂谓 豎竖 軸轴 輩辈 遜逊 醜丑 釣钓 鉛铅 銳锐 錦锦 鍛锻 閣阁 闖闯 頗颇 顛颠 騎骑 騰腾 驢驴 鴨鸭 鵝鹅 黴霉
"""
_FOLD = str.maketrans({pair[0]: pair[1] for pair in _PAIRS.split() if pair[0] != pair[1]})

# Anything that is not a letter, digit or CJK character carries no meaning for the label here.
_PUNCT_ONLY = re.compile(r"^[\W_]+$")


def normalise_text(text: str) -> str:
    """NFKC-normalise and fold common traditional characters to simplified.

    >>> normalise_text("負責轄區內ＡＢ１")
    '负责辖区内AB1'
    """
    return unicodedata.normalize("NFKC", text or "").translate(_FOLD)


def tokenize(text: str) -> list[str]:
    """jieba words of the normalised text (with the government user dictionary), punctuation and spaces dropped.

    >>> tokenize("配合县市场监管局做好食品安全检查。")  # doctest: +SKIP
    ['配合', '县市场监管局', '做好', '食品安全', '检查']
    """
    words = load_jieba().lcut(normalise_text(text))
    return [word for word in (w.strip() for w in words) if word and not _PUNCT_ONLY.match(word)]
