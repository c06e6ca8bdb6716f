/**
 * Folding for phrase matching: one UTF-16 code unit in, one out, so a match found in the folded
 * text has the same offsets in the original and the evidence shown is what the customer typed.
 * Folds case, full-width ASCII (ｈｏｗ ｍｕｃｈ, ？), ё to е, curly apostrophes, and traditional
 * Chinese characters to simplified, so one phrase list covers 幾錢 and 几钱.
 */

/**
 * Traditional → simplified, as pairs. Not a full converter: the characters of shop chat (prices,
 * goods, delivery, payment, complaints, Cantonese usage) and the common ones around them. A
 * traditional character missing here still matches a phrase written in traditional; it only
 * misses the simplified spelling of that phrase.
 */
const TRADITIONAL_SIMPLIFIED = `
	愛爱 罷罢 備备 貝贝 筆笔 畢毕 邊边 變变 標标 別别 賓宾 補补 財财 參参 倉仓 層层 產产 長长 嘗尝 嚐尝 場场
	廠厂 車车 徹彻 塵尘 陳陈 襯衬 稱称 遲迟 齒齿 衝冲 沖冲 蟲虫 醜丑 籌筹 處处 觸触 傳传 創创 純纯 詞词 從从
	錯错 達达 帶带 貸贷 單单 擔担 膽胆 當当 檔档 黨党 導导 燈灯 敵敌 遞递 點点 電电 釣钓 調调 疊叠 頂顶 訂订
	東东 動动 凍冻 鬥斗 獨独 讀读 斷断 隊队 對对 噸吨 奪夺 惡恶 噁恶 兒儿 爾尔 發发 髮发 罰罚 範范 飯饭 訪访
	飛飞 費费 廢废 紛纷 奮奋 豐丰 風风 瘋疯 縫缝 膚肤 婦妇 復复 複复 覆复 負负 該该 蓋盖 幹干 乾干 趕赶 剛刚
	鋼钢 個个 箇个 給给 貢贡 溝沟 構构 購购 夠够 顧顾 關关 觀观 館馆 慣惯 廣广 規规 歸归 龜龟 櫃柜 貴贵 過过
	國国 鍋锅 漢汉 號号 賀贺 紅红 後后 護护 畫画 劃划 話话 懷怀 壞坏 歡欢 環环 還还 換换 緩缓 黃黄 揮挥 輝辉
	會会 匯汇 滙汇 彙汇 繪绘 貨货 獲获 穫获 禍祸 擊击 機机 積积 極极 幾几 濟济 擠挤 計计 記记 際际 繼继 紀纪
	夾夹 價价 駕驾 堅坚 監监 艱艰 簡简 檢检 揀拣 撿捡 見见 劍剑 鑑鉴 鑒鉴 踐践 賤贱 將将 獎奖 講讲 醬酱 膠胶
	攪搅 腳脚 餃饺 較较 階阶 節节 潔洁 結结 屆届 緊紧 僅仅 謹谨 進进 盡尽 勁劲 經经 驚惊 鏡镜 競竞 淨净 舊旧
	舉举 據据 劇剧 捲卷 覺觉 絕绝 軍军 開开 殼壳 課课 懇恳 庫库 褲裤 誇夸 塊块 虧亏 擴扩 闊阔 臘腊 來来 賴赖
	蘭兰 欄栏 攔拦 籃篮 藍蓝 覽览 懶懒 爛烂 勞劳 樂乐 淚泪 類类 離离 裡里 裏里 禮礼 麗丽 厲厉 勵励 歷历 曆历
	倆俩 聯联 蓮莲 連连 簾帘 練练 煉炼 糧粮 兩两 輛辆 諒谅 療疗 獵猎 臨临 鄰邻 靈灵 齡龄 嶺岭 領领 劉刘 龍龙
	樓楼 爐炉 陸陆 錄录 驢驴 呂吕 鋁铝 屢屡 慮虑 濾滤 綠绿 亂乱 輪轮 論论 蘿萝 羅罗 邏逻 鑼锣 駱骆 絡络 媽妈
	馬马 嗎吗 罵骂 買买 麥麦 賣卖 邁迈 脈脉 饅馒 滿满 貓猫 錨锚 沒没 門门 們们 悶闷 夢梦 謎谜 彌弥 綿绵 廟庙
	滅灭 鳴鸣 銘铭 謀谋 納纳 難难 腦脑 惱恼 鬧闹 內内 擬拟 膩腻 釀酿 鳥鸟 檸柠 濃浓 農农 諾诺 歐欧 嘔呕 盤盘
	賠赔 噴喷 騙骗 飄飘 頻频 貧贫 蘋苹 憑凭 評评 潑泼 頗颇 撲扑 鋪铺 舖铺 樸朴 譜谱 齊齐 騎骑 豈岂 啟启 氣气
	棄弃 牽牵 鉛铅 遷迁 簽签 籤签 謙谦 錢钱 潛潜 淺浅 槍枪 牆墙 強强 搶抢 橋桥 喬乔 僑侨 竊窃 親亲 輕轻 傾倾
	請请 慶庆 窮穷 趨趋 區区 驅驱 權权 勸劝 卻却 確确 讓让 饒饶 擾扰 繞绕 熱热 認认 榮荣 絨绒 軟软 銳锐 潤润
	灑洒 賽赛 傘伞 喪丧 騷骚 掃扫 殺杀 紗纱 曬晒 刪删 閃闪 傷伤 賞赏 燒烧 紹绍 攝摄 設设 審审 聲声 繩绳 勝胜
	聖圣 師师 獅狮 濕湿 溼湿 詩诗 時时 實实 識识 駛驶 勢势 適适 釋释 飾饰 視视 試试 壽寿 獸兽 輸输 書书 屬属
	術术 樹树 數数 帥帅 雙双 誰谁 稅税 順顺 說说 絲丝 飼饲 頌颂 訟讼 蘇苏 訴诉 肅肃 雖虽 隨随 歲岁 孫孙 損损
	縮缩 鎖锁 態态 攤摊 貪贪 灘滩 壇坛 談谈 嘆叹 歎叹 湯汤 燙烫 濤涛 討讨 騰腾 題题 體体 條条 貼贴 鐵铁 廳厅
	聽听 銅铜 統统 頭头 圖图 塗涂 團团 糰团 脫脱 駝驼 窪洼 襪袜 灣湾 頑顽 萬万 網网 韋韦 違违 圍围 為为 爲为
	維维 偉伟 偽伪 緯纬 謂谓 衛卫 溫温 聞闻 紋纹 穩稳 問问 臥卧 嗚呜 誣诬 無无 吳吴 霧雾 務务 誤误 錫锡 習习
	戲戏 細细 蝦虾 轄辖 峽峡 俠侠 狹狭 廈厦 嚇吓 鮮鲜 纖纤 鹹咸 賢贤 閒闲 閑闲 顯显 險险 現现 獻献 縣县 餡馅
	線线 綫线 廂厢 鄉乡 詳详 響响 項项 銷销 曉晓 協协 攜携 脅胁 寫写 瀉泻 謝谢 鋅锌 興兴 鏽锈 繡绣 虛虚 須须
	許许 敘叙 緒绪 續续 懸悬 選选 學学 詢询 尋寻 訓训 訊讯 壓压 鴨鸭 啞哑 亞亚 煙烟 鹽盐 嚴严 顏颜 艷艳 豔艳
	厭厌 驗验 楊杨 揚扬 陽阳 癢痒 養养 樣样 搖摇 遙遥 謠谣 藥药 爺爷 頁页 業业 葉叶 醫医 遺遗 儀仪 藝艺 億亿
	憶忆 義义 議议 誼谊 譯译 異异 陰阴 銀银 飲饮 隱隐 櫻樱 嬰婴 鷹鹰 應应 營营 蠅蝇 贏赢 擁拥 傭佣 湧涌 優优
	憂忧 郵邮 猶犹 遊游 誘诱 魚鱼 漁渔 娛娱 與与 語语 獄狱 譽誉 預预 園园 員员 圓圆 緣缘 遠远 願愿 約约 躍跃
	鑰钥 嶽岳 粵粤 悅悦 閱阅 雲云 勻匀 運运 蘊蕴 暈晕 韻韵 雜杂 災灾 載载 暫暂 贊赞 讚赞 髒脏 臟脏 棗枣 責责
	擇择 則则 澤泽 賊贼 贈赠 紮扎 閘闸 詐诈 債债 盞盏 斬斩 棧栈 戰战 綻绽 張张 漲涨 帳帐 賬账 脹胀 趙赵 這这
	貞贞 針针 偵侦 診诊 鎮镇 陣阵 掙挣 爭争 鄭郑 證证 織织 職职 執执 紙纸 擲掷 質质 滯滞 鐘钟 鍾钟 終终 種种
	腫肿 眾众 衆众 軸轴 皺皱 晝昼 驟骤 豬猪 諸诸 燭烛 囑嘱 貯贮 鑄铸 築筑 駐驻 專专 磚砖 轉转 賺赚 莊庄 裝装
	妝妆 壯壮 狀状 墜坠 準准 著着 濁浊 資资 蹤踪 綜综 總总 縱纵 組组 鑽钻 麼么 麽么 週周 隻只 衹只 祇只 臺台
	檯台 颱台 製制 併并 佈布 傑杰 於于 迴回 鬱郁 鬍胡 僱雇 唸念 恆恒 睏困 閤合 黴霉 齣出 蔔卜 彿佛 佔占 瞭了
	慾欲 擡抬 罈坛 峯峰 盃杯 牀床 倖幸 喫吃 脣唇 閂闩 餘余 饋馈 飽饱 餓饿 餅饼 餵喂 馳驰 驗验 骯肮 鬆松 魯鲁
	鯨鲸 鷄鸡 雞鸡 麵面 鈔钞 鈕钮 鈴铃 鉤钩 鋸锯 錶表 鍵键 鏈链 鐲镯 閉闭 間间 闆板 闖闯 靜静 韓韩 顆颗 額额
	颳刮 饑饥 鵝鹅 儲储 償偿 側侧 係系 倫伦 傢家 兇凶 劑剂 嘩哗 報报 墊垫 壩坝 壺壶 寧宁 寬宽 寶宝 岡冈 幣币
	幫帮 廚厨 彈弹 彎弯 徑径 徵征 慘惨 戀恋 戶户 拋抛 捨舍 掛挂 採采 撈捞 撐撑 撥拨 撫抚 擋挡 擺摆 攬揽 敗败
	斂敛 晉晋 殘残 毀毁 澆浇 烏乌 煩烦 琺珐 盜盗 礦矿 禦御 禪禅 穀谷 籠笼 紐纽 級级 綁绑 編编 績绩 繳缴 纜缆
	聰聪 臉脸 艙舱 託托 誌志 誠诚 諮咨 販贩 貿贸 賃赁 賜赐 賭赌 跡迹 蹟迹 輔辅 輩辈 轟轰 辦办 辭辞 錦锦 頓顿
	啓启 闔阖 櫥橱 轎轿 鑲镶 寢寝 鋁铝 碼码 訴诉 鹵卤 囉啰 麪面 綉绣 衞卫 鐳镭
	隊队 團团 糧粮 麗丽 濱滨 壯壮 瀏浏 灃沣 蠟蜡 薦荐 蔥葱 籬篱 騙骗 靚靓 鬧闹 噓嘘 囪囱 裝装 燉炖 懶懒 黏粘
`;

/** `FOLD[codeUnit]` is the folded code unit; surrogates and unlisted characters map to themselves. */
export const FOLD: Uint16Array = buildFold();

function buildFold(): Uint16Array {
	const fold = new Uint16Array(0x10000);
	for (let c = 0; c < 0x10000; c++) fold[c] = c;
	// Case: Latin, Greek and Cyrillic blocks, where lower-casing keeps one code unit.
	for (let c = 0x41; c < 0x530; c++) {
		const lower = String.fromCharCode(c).toLowerCase();
		if (lower.length === 1) fold[c] = lower.charCodeAt(0);
	}
	// Full-width ASCII (！ to ～) and the ideographic space, as typed on Chinese keyboards.
	for (let c = 0xff01; c <= 0xff5e; c++) fold[c] = fold[c - 0xfee0];
	fold[0x3000] = 0x20;
	fold[0x00a0] = 0x20;
	fold[0x0451] = 0x0435; // ё → е
	fold[0x0401] = 0x0435; // Ё → е
	fold[0x2019] = 0x27; // ’ → '
	fold[0x2018] = 0x27;
	for (const pair of TRADITIONAL_SIMPLIFIED.split(/\s+/)) {
		if (pair.length === 2) fold[pair.charCodeAt(0)] = pair.charCodeAt(1);
	}
	return fold;
}

/** The folded form of a text (same length, same offsets). */
export function fold(text: string): string {
	let out = '';
	for (let i = 0; i < text.length; i++) out += String.fromCharCode(FOLD[text.charCodeAt(i)]);
	return out;
}

/** Character classes of folded code units, for word boundaries and language detection. */
export const CharClass = {
	Other: 0,
	Latin: 1,
	Cyrillic: 2,
	Han: 3,
	Thai: 4,
	/** Thai vowel and tone marks that attach to the consonant before them: a phrase never ends before one. */
	ThaiMark: 5,
	Digit: 6,
} as const;

export const CHAR_CLASS: Uint8Array = buildClasses();

function buildClasses(): Uint8Array {
	const classes = new Uint8Array(0x10000);
	const set = (from: number, to: number, value: number): void => {
		for (let c = from; c <= to; c++) classes[c] = value;
	};
	set(0x30, 0x39, CharClass.Digit);
	set(0x41, 0x5a, CharClass.Latin);
	set(0x61, 0x7a, CharClass.Latin);
	set(0xc0, 0x24f, CharClass.Latin);
	classes[0xd7] = CharClass.Other; // ×
	classes[0xf7] = CharClass.Other; // ÷
	set(0x1e00, 0x1eff, CharClass.Latin); // Vietnamese
	set(0x400, 0x4ff, CharClass.Cyrillic);
	set(0x3400, 0x4dbf, CharClass.Han);
	set(0x4e00, 0x9fff, CharClass.Han);
	set(0xf900, 0xfaff, CharClass.Han);
	set(0xe01, 0xe5b, CharClass.Thai);
	classes[0xe30] = CharClass.ThaiMark; // ะ
	set(0xe31, 0xe3a, CharClass.ThaiMark); // ั า ำ ิ ี ึ ื ุ ู ฺ
	classes[0xe45] = CharClass.ThaiMark; // ๅ
	set(0xe47, 0xe4e, CharClass.ThaiMark); // ็ ่ ้ ๊ ๋ ์ ํ ๎
	return classes;
}

/** Letters of Latin or Cyrillic words, where a phrase must start (and usually end) at a word edge. */
export function isWordChar(code: number): boolean {
	const c = CHAR_CLASS[code];
	return c === CharClass.Latin || c === CharClass.Cyrillic;
}
