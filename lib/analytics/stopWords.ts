/**
 * Words too common in customer chat to say anything about it: function words, greetings, thanks and
 * question words, per language. Small on purpose: anything a shop might act on (price, delivery,
 * refund, size) must stay. Chinese lists both scripts and Cantonese particles (Hong Kong customers).
 * Latin and Cyrillic entries are lower case; `ё` is folded to `е` before lookup.
 */
export type HotWordLanguage = 'zh' | 'en' | 'th' | 'ru';

export const HOT_WORD_LANGUAGES: readonly HotWordLanguage[] = ['zh', 'en', 'th', 'ru'];

const list = (words: string): Set<string> => new Set(words.split(/\s+/).filter(Boolean));

export const STOP_WORDS: Record<HotWordLanguage, ReadonlySet<string>> = {
	en: list(`
		a about above after again all also am an and any are as at be been before being below between both but by
		can could did do does doing done down during each few for from further get got had has have having he her here
		hers him his how i if in into is it its itself just let me more most my no nor not now of off on once only or
		other our ours out over own same she should so some such than that the their them then there these they this
		those through to too under until up very was we were what when where which while who whom why will with would
		you your yours yourself im i'm it's dont don't can't cant pls plz please thanks thank thx ty hi hello hey dear
		ok okay yes yeah sure good morning afternoon evening want need like know one u ur r what's that's there's i'll i've i'd much many
	`),
	ru: list(`
		а без бы был была были было быть в вам вас весь во вот все всего всех вы где да даже для до его ее ей если есть
		еще же за здесь и из или им их к как ко когда кто ли либо мне мной мы на над не него нее нет ни них но ну о об
		он она они оно от очень по под при с со так также там те тем то того тоже той только том ты у уже хотя чего чей
		чем что чтобы чье эта эти это этот я мой моя мое мои ваш ваша ваше ваши свой можно нужно надо хочу хотел хотела
		здравствуйте здравствуй привет добрый день вечер утро спасибо пожалуйста подскажите скажите ок хорошо сколько какой какая какие
	`),
	zh: list(`
		的 了 是 我 你 您 他 她 它 們 们 我們 我们 你們 你们 他們 他们 嗎 吗 呢 吧 啊 呀 喔 哦 噢 嘛 啦 喇 囉 咯 喎 嘅 咗 咩 㗎 架 既 係 系 唔 冇 無 无
		有 在 和 與 与 及 也 都 就 很 好 還 还 又 再 這 这 那 呢個 呢个 這個 这个 那個 那个 個 个 一 不 沒 没 沒有 没有 要 我要 想 我想 會 会 能 可以 可能 請 请
		請問 请问 你好 您好 哈囉 哈喽 謝謝 谢谢 多謝 多谢 唔該 唔该 什麼 什么 甚麼 咩嘢 怎麼 怎么 點 点 點樣 点样 一下 現在 现在 今天 已經 已经 因為 因为 所以
		但是 如果 的話 的话 幾 几 幾多 几多 幾時 几时 幾耐 几耐 多少 哋 佢 咁 啲 嘢 噉 太 用 給 给 把 被 讓 让 從 从 到 對 对 為 为 上 下 中 裡 里 說 说 問 问 知道 覺得 觉得
	`),
	th: list(`
		ครับ คับ ค่ะ คะ ค่า นะ นะคะ นะครับ จ้า จ้ะ ครับผม ที่ และ ของ ใน ได้ ไม่ มี เป็น จะ ก็ ว่า ให้ กับ แล้ว หรือ อยู่ คือ นี้ นั้น
		ผม ฉัน ดิฉัน หนู คุณ เรา เขา มัน สวัสดี ขอบคุณ ไหม มั้ย อะไร ยังไง อย่างไร หน่อย ด้วย บ้าง ไป มา แต่ เพราะ ถ้า กี่ เท่า ไหร่
		เท่าไหร่ เท่าไร ขอ อยาก ต้องการ จาก ถึง โดย การ ความ ซึ่ง อีก ยัง ทำ นี่ โอเค ค่ะพี่ พี่ น้อง
	`),
};
