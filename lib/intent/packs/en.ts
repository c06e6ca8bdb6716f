/**
 * English as customers in Hong Kong, Taiwan, Thailand and beyond write it on WhatsApp: short,
 * Singlish/HK particles (la, leh, ah), "hw much", "u", "pls". Phrase syntax: see `LanguagePack`.
 */
import type { LanguagePack } from '../types';

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
			%place an order | %make a purchase | %make an order
			i'll order | ill order | i will order | i'd like to buy | i'd like to order | can i have | give me one | give me 1 | give me 2 | gimme | i'll have | proceed with | want this | ~confirm
			want to buy | wanna buy | want buy | ~want to get | ~wanna get | i want to order | want to order | wanna order | want order
			like to order | like to buy | would like to purchase | want to purchase | i'll take | ill take | i will take | ~~i take | i take 1 | i take 2 | i take one | i take two | i take this | i take that | i take it | i'll buy | ill buy
			i will buy | will buy | take this one | take that one | i want this | i want that | i want the | i want one | i want two | i want 1
			i want 2 | i want 3 | place an order | place order | make an order | order now | buy now | how to order | how do i order | how can i order
			how to buy | how do i buy | how can i buy | can i order | can i buy | can i get one | can i get 1 | can i get 2 | can i get this | can i get that | i'd like to get one | reserve one | reserve for me | reserve 1
			keep one for me | keep 1 for me | hold one for me | hold it for me | more to my order | add to cart | add to my order | confirm order
			confirm my order | i'll get | ill get | let me buy | i want to purchase | sold! | ~~i'm in | ~~im in | count me in
			place an order | place a new order | make a new order | make an order | place a order | make a order | placing an order | placing a order | making an order
			making a order | make a purchase | making a purchase | maked an order | ofder | odrer | oder | put in an order | buy something | purchase something | i need to buy | i need to purchase | i need to order
			~~reserve* | ~interested | ~buy | ~purchase | ~order 1 | ~order 2 | ~order 3
		`,
		product_question: `
			does it come in | come in any | comes in | ~come in
			real leather | how many in | does it come with | what's included | whats included | ~~black | ~~white | ~~red | ~~blue | ~~pink | ~~grey | ~~gray | ~~green | ~~beige | ~~navy | ~~brown
			~size* | what size | which size | have size | got size | any size | size available | size chart | sizing | in stock | out of stock | sold out | restock* | back in stock | ~stock*
			~~available | is it available | is this available | is that available | are they available | ~availability | ~colour* | ~color* | what colo* | which colo* | other colo* | any colo* | colours available | colors available | ~material | what material | made of | ~fabric
			dimension* | measurement* | spec | specs | specification* | weight | how big | how heavy | ~~how long is | how wide | how tall
			waterproof | water proof | water resistant | does it fit | will it fit | fit my | compatible | original? | is it original | authentic
			genuine | fake or | is it fake | is this fake | warranty | guarantee | ~~ingredient* | what are the ingredients | ingredients of | ingredient list | ingredients list | expiry | expiration | expire date | still have | still got | still available
			any bigger | any smaller | ~bigger size | ~smaller size | which model | what model | what's inside | how many ml | how many pcs in
			~~do u have | ~~do you have | ~~u have | ~~you have | ~got any | ~any stock | ~model | ~version | ~~battery | ~features
		`,
		quote_request: `
			quotation* | quote | quotes | formal quote | bulk | wholesale | wholesaler | bulk order* | reseller* | resell | distributor*
			dealer price | agent price | trade price | moq | minimum order | min order | large order | big order | large quantity
			corporate order | company order | corporate gift* | rfq | proforma | pro forma | tender | b2b | for our company
		`,
		order_status: `
			%check my order | %status of my order | %status of my purchase | %my deliveries | %track my order | %my package | %check my delivery
			hasn't come | hasnt come | havent come | haven't come | not come yet | still hasn't | still hasnt | still haven't | still havent
			any update | update on my | my order shipped | order shipped | not here | weeks already | days already | been sent | sent yet | posted yet
			~~where is my* | ~~where's my* | ~~wheres my* | ~~where my | where is my ord* | where is my pa* | where is my stuff | where is my item* | where is my deliver* | where is my shipment | where is the parcel | where is the package | where is the order
			~my parcel | ~my package | ~my order | ~my stuff | ~my item* | not received | not receive | haven't received | havent received
			haven't receive | havent receive | haven't got | havent got | have not received | not yet received | still not received | didn't receive
			didnt receive | did not receive | never received | not arrived | not arrive | hasn't arrived | hasnt arrived | haven't arrived | havent arrived
			didn't arrive | didnt arrive | never arrived | still not here | not here yet | not yet arrive* | tracking* | track my | track the
			order status | ~~status of my | status of the order | delayed | delay | ~~late | ~~when will my | when will it arrive | when will i get
			when will i receive | when can i receive | when can i get my | shipped yet | sent out yet | send out yet | dispatched yet | ship out yet
			has it been shipped | has it shipped | been shipped? | still waiting | waiting for my | lost parcel | parcel lost | package lost
			missing parcel | not delivered | wasn't delivered | order number | order no | order #
			order eta | eta of my order | eta for my order | eta on my order | track an order | track order | track a order | tracking my order | track my package
			track my parcel | track my shipment | track my purchase | where my stuff | where's my stuff | wheres my stuff | check my order | check the status
			status of my order | order's status | order status | shipment status | delivery status | has my order shipped | when will my order | is my order on its way
			check my shipment* | check my deliver* | my deliveries | out for delivery | is my delivery | my delivery is | my shipment | my shipments | track my deliver*
			tracking my deliver* | status of my purchase | status of my shipment | status of my package | my oder | my odrer | my ordr | my oredr | my orer | where's my order | wheres my order | where is my order | locate my order | find my order | my order arrive | my package arrive | ~eta
		`,
		shipping_info: `
			%delivery options | %delivery period
			shipping time | courier fee | do you deliver | delivery to
			~shipping | ~ship | ~ships | ship to | shipping fee* | shipping cost* | shipping charge* | shipping fee? | free shipping | ~deliver*
			delivery fee* | delivery charge* | delivery cost* | delivery time | free delivery | how long does delivery | how long for delivery
			how long to deliver | ~~how long does it take | ~~how long will it take | how long to arrive | ~~how many days | how many working days
			postage | courier | sf express | sf | ~pickup | ~pick up | self pick* | self-pick* | collect at | meet up | meetup | same day
			~~next day | next day delivery | next-day delivery | next day shipping | express | overseas | ~~international | ship internationally | international shipping | international delivery | do you ship | can ship | can you ship | u ship | can deliver | can you deliver
			u deliver | send to | post to | lalamove | gogovan | dhl | fedex | kerry | locker | how much is shipping | how much for shipping
			how much shipping | how much to ship | how much is delivery | how much for delivery | how much delivery | how much is postage
			when will you ship | when do you ship | when can you ship | when will it be shipped | ship out
			delivery option* | delivery method* | shipping option* | shipping method* | delivery period | how long does delivery | how long will delivery | how long is delivery
			how long does shipping | how long will shipping | how long is shipping | how long for shipping | how long to ship | delivery take | shipping take | delivery times
			express delivery | standard delivery | ways to deliver | delvery* | delivry* | delivey* | deliever* | edlivery | shiping* | shippng
		`,
		return_exchange: `
			%money back | %refund policy | %reimbursement | %money back guarantee
			~return | ~returns | return policy | return it | to return | can return | refund* | money back | exchange* | ~~swap | send back | money back guarantee | moneyback | money-back | cancel a purchase | cancel the purchase | cancelling a purchase | canceling a purchase | cancle my order | cancle the order | cancle a purchase | cancle purchase | cancell my order | cancell the order | cancel a order | cancel an ord* | send it back
			change to another | change size | change colour | change color | change to a | change for | change it | cancel my order | cancel order
			cancel the order | cancel this order | cancel my purchase | cancel purchase | cancel an order | cancelling an order | canceling an order | cancelling my order
			canceling my order | cancellation of my order | reimburse* | return policy | returns policy | refund policy | get my money back | want my money back
		`,
		payment: `
			%invoice | %invoices
			bank in | banked in | bank details | payment link
			cash on delivery | cod | c.o.d | how to pay | can pay | pay by | pay with | pay via | pay in | pay cash | payment* | paid | payme
			pay me | fps | octopus | alipay | wechat pay | wechatpay | apple pay | google pay | paypal | credit card* | debit card* | visa | mastercard
			master card | bank transfer | bank account | account number | acc no | installment* | instalment* | invoice* | receipt* | tax invoice
			promptpay | prompt pay | deposit | e-transfer | transferred | ~transfer | ~cash | ~card | checkout | check out | settle the bill | pay now
			payment method* | payment option* | ways to pay | way to pay | how can i pay | how do i pay | pay for my order | problem paying | trouble paying | can't pay | cant pay
			cannot pay | payment issue | payment problem | payment failed | payment error | paynow | bill | bills | billing | my invoice | an invoice | the invoice
			innvoice | inovice | invpice | invoce | invioce | invoise | invocie* | paymnt* | payement* | paymet* | pyment* | bils | biols | biol
			error when i tried to pay | error when i try to pay | error when i attempted to pay | issue paying | issues paying | problems paying | problem paying
			tried to pay | try to pay | attempted to pay | charged anyway | make a payment | making a payment | ~paying | ~to pay
		`,
		store_location: `
			ur shop | ur store | where r u | shop location | store location | store hours | shop hours | come and see | come see | have a store | have a shop | have a physical | what's your address | whats your address | ur address
			your shop | your store | shop address | store address | ~~address of | ~address | where is your* | where's your* | wheres your*
			where are you located | where r u located | where you located | ~located | ~~location | opening hour* | open hour* | business hour*
			office hour* | what time you open | what time u open | what time do you open | what time does the shop | what time you close
			what time u close | what time do you close | when do you open | when do you close | when r u open | are you open | r u open | u open
			open today | open tomorrow | open on | open now | still open | opening time | closing time | close today | showroom | physical store
			physical shop | retail store | retail shop | branch* | ~~outlet | visit your | visit the shop | visit the store | walk in | walk-in
			come to your | come to the shop | directions | google map* | nearest mtr | mtr exit | where to find you | is there a shop
		`,
		complaint: `
			%complaint
			very poor | not satisfied | dissatisfied | what kind of service | shocking | pathetic | 1 star | one star | bad review | waiting for ages | waited so long | nonsense | lousy
			terrible | worst | horrible | awful | disappointed | disappointing | disappointment | scam | scams | scammer* | scammed | scamming | cheat* | rude | unprofessional
			ridiculous | complain* | angry | bad service | poor service | bad quality | poor quality | quality very bad | quality is bad | very bad
			so bad | too bad | damaged | broken | defective | faulty | not working | doesn't work | doesnt work | stopped working | stop working
			nobody repl* | no one repl* | noone repl* | nobody answer* | no one answer* | nobody respond* | no reply | no response | no one reply
			ignored | ignore me | ignoring me | wtf | useless | trash | rubbish | unacceptable | fraud | lied | liar | report you | consumer council
			waste of money | waste my time | wasting my time | not happy | unhappy | upset | annoyed | frustrated | furious | wrong item | wrong one
			wrong size sent | received wrong | sent wrong | sent me the wrong | fake | not as described | misleading | so slow | too slow
			file a claim | make a claim | lodge a claim | submit a claim | file a complaint | make a complaint | lodge a complaint | raise a complaint | submit a complaint
			register a complaint | place a complaint | open a complaint | a complaint about | have a complaint | complain about | want to complain | wanna complain | i complain
			i'm complaining | claim against | not satisfied with | dissatisfied with | unhappy with | fed up | had enough | this is a joke | what a joke | never again
			complian* | complan* | compalin* | complint | compliant | ocmplaint | consumercomplaint | servise | sucks | ~claim
		`,
		human_handoff: `
			%customer service | %customer support | %client service
			the owner | ~~your boss | talk to your boss | speak to your boss | get your boss | call your boss | ~~the boss | real agent | live chat | contact cs | talk to human | speak to human
			real person | real human | ~human | talk to someone | speak to someone | talk to somebody | speak to somebody | talk to a person
			speak to a person | talk to person | speak with someone | talk with someone | live agent | ~agent | customer service | customer support | client service | client services | customer services | client support | clientservice | client servise | client sevice | client serivce | cliente service
			call me | call back | phone me | ring me | your manager | the manager | ~manager | ~staff | operator | not a bot | not bot | no bot
			don't want a bot | dont want a bot | are you a bot | r u a bot | are u a bot | is this a bot | u a bot | any staff | any human
			talk to your | speak to your | contact number | hotline | your number | phone number | whatsapp call | voice call | someone call me
			talk with somebody | talk with someone | speak with somebody | talk w somebody | talk w someone | talk with a person | speak with a person | talk to a real
			speak to a real | somebody real | someone real | talk to an agent | speak to an agent | speak with an agent | talk with an agent | human agent | an agent
			customer service agent | customer care | contact customer* | contact your customer* | reach customer* | call center | call centre | get me a human | get me a person
			talk to a human | speak to a human | a human | representative | an operator | assistance from a person | help from a person | agnet | custmer service
			customer servise | costumer service | speek to | speek with | to a person | a person pls | a person please | contact someone | contact somebody | contact a person
			contact a human | contact an agent | speak to someone | custpmer service | ustomer service | clent service | client esrvice
		`,
		opt_out: `
			messages anymore | msgs anymore | msg anymore | don't want these | dont want these | any more messages
			don't send | dont send | remove my contact | don't want to receive | dont want to receive
			=stop | =stop pls | =stop please | =stop it | unsubscribe* | unsubscrib* | unsubcrib* | unsubscib* | unsuscrib* | unsusbcrib* | unsubsrib* | unsub
			cancel my subscription | cancel subscription | cancel the subscription | cancel my newsletter | cancel the newsletter | cancel newsletter | cancel my newsleter
			cancel my news letter | newsletter cancel* | end my subscription | stop my subscription | stop the newsletter | stop your newsletter | stop sending the newsletter
			leave the newsletter | leave your newsletter | quit the newsletter | remove me from | take me off | off your mailing list | off the mailing list | off ur mailing list
			off your list | off the list | off ur list | no more emails | no more newsletters | stop emailing | stop the emails | stop sending emails | don't want the newsletter
			dont want the newsletter | don't want your newsletter | do not want the newsletter | stop spamming | delete me from | erase me from | opt me out
			opt out | opt-out | optout | remove me | stop sending | stop messaging | stop msg* | stop texting
			stop sending me | don't msg me | dont msg me | don't message me | dont message me | don't text me | dont text me | don't contact me
			dont contact me | no more message* | no more msg* | no more promo* | no more ads | stop spam* | spam me | spamming | stop the promo*
			leave me alone | take me off | delete my number | remove my number | stop all | no more marketing
		`,
	},
	neutral: `
		how much do i | how much did i | how much have i | how much is on my | how much should i | how much can i | i get paid | am i paid | was i paid
		pay in taxes | pay in tax | pay taxes | pay off my | fake news | direct deposit | a visa | travel visa | tourist visa | visa for | visa to | need a visa | visa requirement* | international visa | want to get information | wanna get information | want to get info | want to get informmation | like to get information | ask an agent | asking an agent | ask your agent | email address | mail address | e-mail address | email of | exchange rate | get paid | i get paid | payday
		you have a newsletter | have a newsletter | have an newsletter | there a newsletter | there's a newsletter | theres a newsletter | my phone | my cellphone
		no complaints | no complaint | can't complain | cant complain | cannot complain | nothing to complain | stop playing | stop the music | stop the timer | stock price
		stock market | stocks | how much time | how much longer | how much has | how much have | how much do i have | how much money do i have | how much did i spend
		how much is left | how much data | full stop | subscribe me | subscribe to | sign me up | sign up for
		no problem | no prob | not a problem | no worries | bus stop | non stop | nonstop | can't stop | cant stop | stop by | whats up | no rush
		how much time | how much longer | how long does it take to reply | returning customer | return customer | for sale | after sale | after sales | after-sales | price ok | price is ok | price is fine | price is good | price good | good price | price reasonable | reasonable price | the delivery guy | delivered already | received already | arrived already
		order history
		how much gas | how much petrol | how much fuel | how much pto | how much paid time | how much vacation | how much sick | how much tax | how much taxes | how much state tax
		how much federal tax | how much pressure | how much air | how much mpg | how much traffic | how much snow | how much rain | how much sleep | how much calories
		how much protein | how much sugar | how much fat | how much luggage | how much am i paid | how much am i making | how much am i earning | how much will i make
		how much will i earn | how much will i get paid | how much i make | how much i earn | how much money do i make | how much money am i | how much of my paid
		how much of my pto | how much of my vacation | paid time off | paid time | paid days off | paid leave | when was i paid | was i last paid | when i was paid | i was paid | i was last paid
		i got paid | i last got paid | be paid again | going to be paid | will i be paid | transfer my 401k | transfer my 401 k | roll over my 401k | rollover my 401k
		the total number | total number of | the total calories | total calories | total vacation | the total pto | total pto | room availability | availability of meeting
		availability for conference | dollars can i exchange | dollars i can exchange | how many dollars can | exchange money | exchange currency | currency exchange
		last purchase was | phone is located | form located | home located | origins located
	`,
	offTopic: `
		in taxes | my taxes | state taxes | federal taxes | state tax | federal tax | income tax | tax return | tax bill | irs | paycheck | my salary | my income
		pto | 401k | 401 k | mpg | paid time off | vacation days | vacation request | day off request | direct deposit | exchange rate | w2 | w-2
		money did i make | money do i make | money do i bring in | do i earn | am i earning | my earnings | where are you from | where were you born
	`,
	negators: `not | never | wouldn't | wouldnt | would not | shouldn't | couldn't | couldnt | won't | isn't | isnt | aren't | arent | wasn't | wasnt | don't | dont | doesn't | doesnt | didn't | didnt | won't | wont | no need to | cannot | can't | cant | hardly | neither`,
	intensifiers: `too | very | that | so | really | at all | even | quite | super | overly | really that | be | that much | so much | as | buy | order | go | come | be back | i | it | this`,
	positive: `
		love it | loved it | loving it | tasty | delicious | fresh | helpful | friendly | polite | smooth | brilliant | superb | impressed | pleased | worth it | worth the
		value for money | highly recommend | well packed | cheers | shiok | legit | works great | works well | works like a charm | fits perfectly | 5 stars | five stars
		thanks | thank you | thx | tq | ty | great | awesome | love | lovely | nice | good | perfect | excellent | amazing | beautiful | happy
		satisfied | recommend | appreciate | cool | fantastic | wonderful | well done | fast delivery | so fast | best | glad | super | yay
		not bad
	`,
	negative: `
		thanks for nothing | broke | broken | damaged | faulty | defective | rubbish | trash | fraud | cheated | still waiting | no reply | no response | ignored
		cold | stale | soggy | bland | tasteless | overpriced | waste of | disappoint* | frustrat* | annoy* | fed up | unacceptable | pathetic | fell apart | stopped working
		charged twice | charged me twice | crashing | crashes | keeps crashing | lost my | missing | wrong item | sian | walao | jialat | lousy | joke of
		terrible | worst | bad | awful | horrible | angry | disappointed | scam | rude | hate | useless | wtf | annoying | ridiculous | upset
		~slow | ~sad | poor | furious | disgusting | sucks | shit | damn | never again
	`,
	boosters:
		'very | so | really | super | extremely | totally | absolutely | too | damn | truly | incredibly | highly | soo',
	contrast: 'but | however | though | although | except | yet',
	pairs: [
		{
			tag: 'opt_out',
			first: `cancel* | cancle* | unsubscri* | unsubcri* | unsubscib* | unsuscri* | quit* | leave | leaving | end | ending | opt out
				| opt-out | remove me | take me off | delete me | get me off | erase me | drop me`,
			second: `newsletter* | newsleter* | news letter* | subscription* | suscription* | subcription* | subscripton* | mailing list* | mailing
				| marketing | promotion* | promo* | e-newsletter`,
		},
		{
			tag: 'opt_out',
			first: `stop | don't want | dont want | do not want | no more | no longer want | quit sending | stop sending | stop texting`,
			second: `messages | msgs | msg | emails | e-mails | mails | texts | sms | notifications | newsletter* | promo* | ads | adverts | marketing`,
			within: 30,
		},
	],
};
