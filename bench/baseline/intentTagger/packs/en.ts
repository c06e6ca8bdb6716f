/**
 * English as customers in Hong Kong, Taiwan, Thailand and beyond write it on WhatsApp: short,
 * Singlish/HK particles (la, leh, ah), "hw much", "u", "pls". Phrase syntax: see `LanguagePack`.
 */
import type { LanguagePack } from '../tagger';

export const en: LanguagePack = {
	language: 'en',
	tags: {
		price_inquiry: `
			what's the damage | hw mc | how mc | tell me price | tell me the price | what price | ~price for | ~the price
			how much* | hw much* | how mch | hw mch | howmuch | how mutch | hw mutch
			what's the price | whats the price | what is the price | wat's the price | wats the price | what's your price | whats your price
			price pls | price plz | price please | pls price | price? | the price of | price of the | price for the | ~price list | pricing
			what's the cost | whats the cost | what does it cost | what it cost | how many dollars | how many baht | how many hkd | how many rmb
			is it expensive | expensive or not | is it cheap | total price | total amount | the total
			~price | ~prices | ~cost | ~costs | ~rate?
		`,
		discount_inquiry: `
			special price | cheaper if | better price | do cheaper | give cheaper | any promo
			discount* | disc? | promo* | coupon* | voucher* | any offer* | special offer* | ~offer* | on sale | any sale | a sale | ~sale
			can cheaper | cheaper a bit | cheaper abit | cheaper pls | cheaper plz | make it cheaper | go cheaper | any cheaper price
			lower the price | lower price | reduce the price | best price | last price | final price | nett price | can less | less a bit
			any deal* | good deal | ~deal? | cashback | cash back | rebate* | student price | member price | members price | membership price
			buy 1 get 1 | buy one get one | bogo | free gift | any gift | bundle price | bundle deal | price cut | markdown | clearance
		`,
		price_objection: `
			too much for me | is too much | ~too much
			way too much | found it cheaper | found cheaper | saw it cheaper | too costly
			expensive | expensiv | exp leh | so exp | too exp | pricey | overpriced | over priced | over-priced | rip off | ripoff | rip-off
			too much money | price very high | price is high | price so high | price too high | too high | so high la | price high | steep
			out of my budget | over my budget | over budget | above my budget | beyond my budget | not in my budget | no budget
			can't afford | cant afford | cannot afford | not affordable | unaffordable | sell cheaper | cheaper elsewhere | cheaper on | cheaper at
			cheaper in | cheaper there | other shop* cheaper | cheaper than | not worth | isn't cheap | isnt cheap | not cheap | costly | daylight robbery
			~other shop* | ~other store* | ~elsewhere
		`,
		purchase_intent: `
			i'll order | ill order | i will order | i'd like to buy | i'd like to order | can i have | give me one | give me 1 | give me 2 | gimme | i'll have | proceed with | want this | ~confirm
			want to buy | wanna buy | want buy | want to get | wanna get | i want to order | want to order | wanna order | want order
			like to order | like to buy | would like to purchase | want to purchase | i'll take | ill take | i will take | i take | i'll buy | ill buy
			i will buy | will buy | take this one | take that one | i want this | i want that | i want the | i want one | i want two | i want 1
			i want 2 | i want 3 | place an order | place order | make an order | order now | buy now | how to order | how do i order | how can i order
			how to buy | how do i buy | how can i buy | can i order | can i buy | can i get | i'd like to get | reserve one | reserve for me | reserve 1
			keep one for me | keep 1 for me | hold one for me | hold it for me | more to my order | add to cart | add to my order | confirm order
			confirm my order | i'll get | ill get | let me buy | i want to purchase | sold! | i'm in | im in | count me in
			~reserve* | ~interested | ~i want | ~buy | ~purchase | ~order 1 | ~order 2 | ~order 3
		`,
		product_question: `
			does it come in | come in any | comes in | ~come in
			real leather | how many in | does it come with | what's included | whats included | ~~black | ~~white | ~~red | ~~blue | ~~pink | ~~grey | ~~gray | ~~green | ~~beige | ~~navy | ~~brown
			~size* | what size | which size | have size | got size | any size | size available | size chart | sizing | in stock | out of stock | sold out | restock* | back in stock | ~stock*
			~available | availability | ~colour* | ~color* | what colo* | which colo* | other colo* | any colo* | colours available | colors available | ~material | what material | made of | ~fabric
			dimension* | measurement* | spec | specs | specification* | weight | how big | how heavy | how long is | how wide | how tall
			waterproof | water proof | water resistant | does it fit | will it fit | fit my | compatible | original? | is it original | authentic
			genuine | fake or | is it fake | is this fake | warranty | guarantee | ingredient* | expiry | expiration | expire date | still have | still got | still available
			any bigger | any smaller | ~bigger size | ~smaller size | which model | what model | what's inside | how many ml | how many pcs in
			~do u have | ~do you have | ~u have | ~you have | ~got any | ~any stock | ~model | ~version | ~battery | ~features
		`,
		quote_request: `
			quotation* | quote | quotes | formal quote | bulk | wholesale | wholesaler | bulk order* | reseller* | resell | distributor*
			dealer price | agent price | trade price | moq | minimum order | min order | large order | big order | large quantity
			corporate order | company order | corporate gift* | rfq | proforma | pro forma | tender | b2b | for our company
		`,
		order_status: `
			hasn't come | hasnt come | havent come | haven't come | not come yet | still hasn't | still hasnt | still haven't | still havent
			any update | update on my | my order shipped | order shipped | not here | weeks already | days already | been sent | sent yet | posted yet
			where is my* | where's my* | wheres my* | where my | where is the parcel | where is the package | where is the order
			~my parcel | ~my package | ~my order | ~my stuff | ~my item* | not received | not receive | haven't received | havent received
			haven't receive | havent receive | haven't got | havent got | have not received | not yet received | still not received | didn't receive
			didnt receive | did not receive | never received | not arrived | not arrive | hasn't arrived | hasnt arrived | haven't arrived | havent arrived
			didn't arrive | didnt arrive | never arrived | still not here | not here yet | not yet arrive* | tracking* | track my | track the
			order status | status of my | status of the order | delayed | delay | ~late | when will my | when will it arrive | when will i get
			when will i receive | when can i receive | when can i get my | shipped yet | sent out yet | send out yet | dispatched yet | ship out yet
			has it been shipped | has it shipped | been shipped? | still waiting | waiting for my | lost parcel | parcel lost | package lost
			missing parcel | not delivered | wasn't delivered | order number | order no | order #
		`,
		shipping_info: `
			shipping time | courier fee | do you deliver | delivery to
			~shipping | ~ship | ~ships | ship to | shipping fee* | shipping cost* | shipping charge* | shipping fee? | free shipping | ~deliver*
			delivery fee* | delivery charge* | delivery cost* | delivery time | free delivery | how long does delivery | how long for delivery
			how long to deliver | how long does it take | how long will it take | how long to arrive | how many days | how many working days
			postage | courier | sf express | sf | ~pickup | ~pick up | self pick* | self-pick* | collect at | meet up | meetup | same day
			next day | express | overseas | international | do you ship | can ship | can you ship | u ship | can deliver | can you deliver
			u deliver | send to | post to | lalamove | gogovan | dhl | fedex | kerry | locker | how much is shipping | how much for shipping
			how much shipping | how much to ship | how much is delivery | how much for delivery | how much delivery | how much is postage
			when will you ship | when do you ship | when can you ship | when will it be shipped | ship out
		`,
		return_exchange: `
			~return | ~returns | return policy | return it | to return | can return | refund* | money back | exchange* | swap | send back | send it back
			change to another | change size | change colour | change color | change to a | change for | change it | cancel my order | cancel order
			cancel the order | cancel this order | cancel my purchase
		`,
		payment: `
			bank in | banked in | bank details | payment link
			cash on delivery | cod | c.o.d | how to pay | can pay | pay by | pay with | pay via | pay in | pay cash | payment* | paid | payme
			pay me | fps | octopus | alipay | wechat pay | wechatpay | apple pay | google pay | paypal | credit card* | debit card* | visa | mastercard
			master card | bank transfer | bank account | account number | acc no | installment* | instalment* | invoice* | receipt* | tax invoice
			promptpay | prompt pay | deposit | e-transfer | transferred | ~transfer | ~cash | ~card | checkout | check out | settle the bill | pay now
		`,
		store_location: `
			ur shop | ur store | where r u | shop location | store location | store hours | shop hours | come and see | come see | have a store | have a shop | have a physical | what's your address | whats your address | ur address
			your shop | your store | shop address | store address | address of | ~address | where is your* | where's your* | wheres your*
			where are you located | where r u located | where you located | ~located | ~location | opening hour* | open hour* | business hour*
			office hour* | what time you open | what time u open | what time do you open | what time does the shop | what time you close
			what time u close | what time do you close | when do you open | when do you close | when r u open | are you open | r u open | u open
			open today | open tomorrow | open on | open now | still open | opening time | closing time | close today | showroom | physical store
			physical shop | retail store | retail shop | branch* | outlet | visit your | visit the shop | visit the store | walk in | walk-in
			come to your | come to the shop | directions | google map* | nearest mtr | mtr exit | where to find you | is there a shop
		`,
		complaint: `
			very poor | not satisfied | dissatisfied | what kind of service | shocking | pathetic | 1 star | one star | bad review | waiting for ages | waited so long | nonsense | lousy
			terrible | worst | horrible | awful | disappointed | disappointing | disappointment | scam* | cheat* | rude | unprofessional
			ridiculous | complain* | angry | bad service | poor service | bad quality | poor quality | quality very bad | quality is bad | very bad
			so bad | too bad | damaged | broken | defective | faulty | not working | doesn't work | doesnt work | stopped working | stop working
			nobody repl* | no one repl* | noone repl* | nobody answer* | no one answer* | nobody respond* | no reply | no response | no one reply
			ignored | ignore me | ignoring me | wtf | useless | trash | rubbish | unacceptable | fraud | lied | liar | report you | consumer council
			waste of money | waste my time | wasting my time | not happy | unhappy | upset | annoyed | frustrated | furious | wrong item | wrong one
			wrong size sent | received wrong | sent wrong | sent me the wrong | fake | not as described | misleading | so slow | too slow
		`,
		human_handoff: `
			the owner | your boss | the boss | real agent | live chat | contact cs | talk to human | speak to human
			real person | real human | ~human | talk to someone | speak to someone | talk to somebody | speak to somebody | talk to a person
			speak to a person | talk to person | speak with someone | talk with someone | live agent | ~agent | customer service | customer support
			call me | call back | phone me | ring me | your manager | the manager | ~manager | ~staff | operator | not a bot | not bot | no bot
			don't want a bot | dont want a bot | are you a bot | r u a bot | are u a bot | is this a bot | u a bot | any staff | any human
			talk to your | speak to your | contact number | hotline | your number | phone number | whatsapp call | voice call | someone call me
		`,
		opt_out: `
			messages anymore | msgs anymore | msg anymore | don't want these | dont want these | any more messages
			don't send | dont send | remove my contact | don't want to receive | dont want to receive
			~stop | unsubscribe* | unsub | opt out | opt-out | optout | remove me | stop sending | stop messaging | stop msg* | stop texting
			stop sending me | don't msg me | dont msg me | don't message me | dont message me | don't text me | dont text me | don't contact me
			dont contact me | no more message* | no more msg* | no more promo* | no more ads | stop spam* | spam me | spamming | stop the promo*
			leave me alone | take me off | delete my number | remove my number | stop all | no more marketing
		`,
	},
	neutral: `
		no problem | no prob | not a problem | no worries | bus stop | non stop | nonstop | can't stop | cant stop | stop by | whats up | no rush
		how much time | how much longer | how long does it take to reply | returning customer | return customer | for sale | after sale | after sales | after-sales | price ok | price is ok | price is fine | price is good | price good | good price | price reasonable | reasonable price | the delivery guy | delivered already | received already | arrived already
		order history
	`,
	negators: `not | never | isn't | isnt | aren't | arent | wasn't | wasnt | don't | dont | doesn't | doesnt | didn't | didnt | won't | wont | no need to | cannot | can't | cant | hardly | neither`,
	intensifiers: `too | very | that | so | really | at all | even | quite | super | overly | really that | be | that much | so much`,
	positive: `
		thanks | thank you | thx | tq | ty | great | awesome | love | lovely | nice | good | perfect | excellent | amazing | beautiful | happy
		satisfied | recommend | appreciate | cool | fantastic | wonderful | well done | fast delivery | so fast | best | glad | super | yay
		not bad
	`,
	negative: `
		terrible | worst | bad | awful | horrible | angry | disappointed | scam | rude | hate | useless | wtf | annoying | ridiculous | upset
		~slow | ~sad | poor | furious | disgusting | sucks | shit | damn | never again
		
	`,
};
