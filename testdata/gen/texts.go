package main

// Free-text templates staff write, per language (it, ru, en, id).
// Placeholders: {qty} {product} {day} {num} {disc} {machine} {year} {amount} {city} {national} {given} {staff}

type product struct {
	it, en, ru, id string
	min, max, step int
}

var products = []product{
	{"macchine espresso a 2 gruppi", "2-group espresso machines", "кофемашин на 2 группы", "mesin espresso 2 grup", 1, 8, 1},
	{"macchine espresso a leva", "lever espresso machines", "рычажных кофемашин", "mesin espresso tuas", 1, 4, 1},
	{"macinacaffè on demand", "on-demand grinders", "кофемолок", "grinder on-demand", 1, 10, 1},
	{"kg di caffè in grani", "kg of coffee beans", "кг кофе в зёрнах", "kg biji kopi sangrai", 50, 1500, 50},
	{"capsule compatibili", "compatible capsules", "капсул", "kapsul", 1000, 30000, 500},
	{"cialde ESE", "ESE pods", "чалд ESE", "pod ESE", 500, 10000, 500},
	{"tazzine con logo", "branded espresso cups", "чашек с логотипом", "cangkir espresso berlogo", 100, 1200, 100},
	{"kit guarnizioni", "gasket kits", "комплектов уплотнителей", "set gasket", 5, 60, 5},
}

var machines = []string{"RC-2 Leva", "RC-1 Compact", "RC-3 Multiboiler", "Mulino 64", "Mulino 83 On-Demand", "RC-2 Tall Cup"}

var days = map[string][]string{
	"it": {"lunedì", "martedì", "mercoledì", "giovedì", "venerdì", "fine mese", "la prossima settimana"},
	"en": {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "end of the month", "next week"},
	"ru": {"в понедельник", "во вторник", "в среду", "в четверг", "в пятницу", "в конце месяца", "на следующей неделе"},
	"id": {"hari Senin", "hari Selasa", "hari Rabu", "hari Kamis", "hari Jumat", "akhir bulan", "minggu depan"},
}

var histTpl = map[string]map[string][]string{
	"it": {
		"quoted": {"Vuole un preventivo per {qty} {product}, richiamare {day}",
			"Chiede prezzo per {qty} {product}. Inviato preventivo n. {num} via email.",
			"Preventivo n. {num} inviato: {qty} {product}, sconto {disc}%. Dice che ci pensa.",
			"Interessato a {qty} {product}. Mandato listino e preventivo, sentirci {day}."},
		"ordered": {"Confermato ordine di {qty} {product}. Consegna prevista {day}.",
			"Ordine confermato a voce, aspetto conferma scritta via email.",
			"Ok all'ordine ({qty} {product}), vuole la consegna entro {day}. Fattura elettronica con SDI.",
			"Ha accettato il preventivo n. {num}. Preparare DDT."},
		"paid": {"Bonifico ricevuto, ordine saldato.", "Ha pagato in contanti alla consegna, ricevuta fatta.",
			"Pagamento arrivato ({amount} €). Mandare fattura quietanzata.", "Conferma di aver fatto il bonifico, verificato in banca."},
		"done": {"Consegnato e installato, tutto ok. Cliente soddisfatto.", "Merce ricevuta, nessun problema. Chiudere la pratica.",
			"Installazione {machine} fatta, formazione baristi ok."},
		"lost": {"Ha scelto un altro fornitore, prezzo troppo alto.", "Non interessato per ora, budget bloccato fino a primavera.",
			"Rinuncia: hanno chiuso il locale.", "Hanno preso una macchina usata da un privato. Peccato."},
		"general": {"Chiede info sull'assistenza tecnica per la {machine}.", "Lamentela: la {machine} perde acqua dal gruppo. Tecnico programmato {day}.",
			"Chiede se abbiamo {product} in pronta consegna.", "Richiamare dopo le 15, era in riunione.",
			"Ha chiesto il catalogo aggiornato, inviato via email.", "Sollecito fattura n. {num}, dice che paga {day}.",
			"Vuole sapere i tempi di consegna per Natale.", "Chiamato per gli auguri e per proporre il nuovo blend."},
		"missed": {"Chiamata persa, richiamare.", "Non risponde, lasciato messaggio in segreteria.", "Occupato. Riprovo domani.",
			"Ha chiamato mentre ero in magazzino, richiamare."},
		"supplier": {"Consegna caffè verde in ritardo, arriva {day}.", "Nuovo listino dal 1° dicembre, aumento 4%.",
			"Confermato ordine di {qty} kg di miscela per {day}.", "Ricambi (guarnizioni e doccette) arrivano {day}.",
			"Chiesto sconto sul trasporto, ci fanno sapere.", "Lotto difettoso di tazzine: rimborso concordato."},
		"courier": {"Ritiro programmato domani 10-12.", "Pacco danneggiato, aperta pratica di reclamo n. {num}.",
			"Consegna a Milano in ritardo per sciopero.", "Bolla di ritiro inviata via email.", "Il corriere è sotto, scendere con i colli.",
			"Giacenza per destinatario assente, riconsegna {day}."},
	},
	"en": {
		"quoted": {"Wants a quote for {qty} {product}, call back {day}", "Asked for prices on {qty} {product}. Quote no. {num} sent by email.",
			"Sent quote no. {num}: {qty} {product}, {disc}% discount, prices in EUR, DAP.", "Interested in {qty} {product}. Sent catalogue + quote, follow up {day}."},
		"ordered": {"Order confirmed: {qty} {product}. Proforma sent, shipping {day}.", "Confirmed the order on the phone, waiting for the signed PO.",
			"Accepted quote no. {num}. Needs the commercial invoice for customs."},
		"paid": {"Wire transfer received, order paid in full.", "Payment received ({amount} EUR) — release the shipment.", "Sent the SWIFT copy, confirmed with the bank."},
		"done": {"Goods delivered, all fine. Happy customer.", "Machine installed by their technician, working well.", "Container arrived, closing this order."},
		"lost": {"Went with a local distributor, our freight cost too high.", "Not interested for now, maybe next year.", "Lost: they could not get the import licence."},
		"general": {"Asked about spare parts for the {machine}.", "Wants to know lead times before Christmas.", "Call back after 15:00, was in a meeting.",
			"Asked for the updated catalogue, emailed.", "Reminder about invoice no. {num}, says they will pay {day}.", "Asked whether we can ship via DHL instead of sea freight."},
		"missed": {"Missed call, call back.", "No answer, left a voicemail.", "Line busy, try again tomorrow."},
		"supplier": {"Green coffee shipment delayed to {day}.", "New price list from 1 December, +4%.", "Confirmed {qty} kg for the next shipment.",
			"Sample of the new harvest sent by courier.", "Asked for phytosanitary certificate and ICO marks, they will email."},
		"courier": {"Pickup booked for tomorrow 10-12.", "Damaged parcel, claim no. {num} opened.", "Customs hold on the shipment, they need the EORI number."},
	},
	"ru": {
		"quoted": {"Хотят предложение на {qty} {product}, перезвонить {day}.", "Запросили цены на {qty} {product}. Отправила КП № {num} на почту.",
			"КП № {num}: {qty} {product}, скидка {disc}%. Думают.", "Запрос: {qty} {product}, отправила каталог, созвон {day}."},
		"ordered": {"Подтвердили заказ: {qty} {product}. Отгрузка {day}.", "Заказ подтверждён по телефону, ждём подписанный договор.",
			"Приняли КП № {num}. Нужны документы для таможни."},
		"paid": {"Оплата поступила, заказ оплачен полностью.", "Предоплата 50% получена ({amount} EUR).", "Прислали платёжку, банк подтвердил."},
		"done": {"Товар получен, всё в порядке. Клиент доволен.", "Машины установлены, бариста обучены.", "Груз прошёл таможню и доставлен."},
		"lost": {"Выбрали другого поставщика, у нас дороже.", "Пока не интересно, вернёмся весной.", "Отказ: проблемы с импортом."},
		"general": {"Спрашивали про запчасти для {machine}.", "Уточняли сроки поставки до Нового года.", "Перезвонить после 15:00 по Москве.",
			"Попросили новый каталог, отправила.", "Напомнила про счёт № {num}, обещают оплатить {day}."},
		"missed":   {"Пропущенный, перезвонить.", "Не отвечает, оставила сообщение.", "Занято, попробую завтра."},
		"supplier": {"Поставка упаковки задерживается, ждём {day}."},
		"courier":  {"Забор груза завтра с 10 до 12."},
	},
	"id": {
		"quoted": {"Minta penawaran untuk {qty} {product}, telepon lagi {day}.", "Tanya harga {qty} {product}. Penawaran no. {num} sudah dikirim via email.",
			"Penawaran no. {num}: {qty} {product}, diskon {disc}%. Masih dipertimbangkan."},
		"ordered": {"Order dikonfirmasi: {qty} {product}. Pengiriman {day}.", "Setuju lewat telepon, menunggu PO resmi."},
		"paid":    {"Transfer sudah masuk, lunas.", "Pembayaran diterima ({amount} EUR)."},
		"done":    {"Barang sudah sampai, semua baik. Pelanggan puas.", "Mesin sudah terpasang dan berfungsi."},
		"lost":    {"Pilih pemasok lain, ongkos kirim kita terlalu mahal.", "Belum tertarik, mungkin tahun depan."},
		"general": {"Tanya suku cadang untuk {machine}.", "Telepon lagi setelah jam 3 sore WIB.", "Minta katalog terbaru, sudah dikirim.",
			"Mengingatkan invoice no. {num}, katanya bayar {day}."},
		"missed": {"Panggilan tidak terjawab, telepon balik.", "Tidak diangkat, sudah kirim pesan WA."},
		"supplier": {"Pengiriman biji kopi hijau mundur ke {day}.", "Harga baru mulai 1 Desember, naik 4%.",
			"Konfirmasi {qty} kg untuk pengiriman berikutnya.", "Sampel panen baru sudah dikirim lewat kurir.",
			"Minta sertifikat fitosanitasi, mereka kirim via email."},
		"courier": {"Penjemputan barang besok jam 10-12."},
	},
}

var contactNoteTpl = map[string]map[string][]string{
	"it": {
		"client": {"Cliente dal {year}. Preferisce essere chiamato la mattina.",
			"Ha un bar con 2 macchine, chiede sempre sconto sui ricambi.",
			"Parlare con {given} per gli ordini, l'amministrazione la segue la sorella.",
			"Consegne solo martedì e giovedì, scarico dal retro (ZTL!).",
			"Paga sempre puntuale con bonifico. Ottimo cliente.",
			"Attenzione: insoluto di {amount} € nel {year}, ora rientrato. Chiedere anticipo.",
			"Vuole la fattura elettronica con codice SDI, non PEC.",
			"Interessato alla linea capsule compostabili.\nRichiamare a gennaio per il listino nuovo.",
			"Non chiamare dopo le 18. Se non risponde, mandare WhatsApp.",
			"Macchina: {machine}\nUltima manutenzione: {year}\nContratto assistenza: sì",
			"Conosciuto alla fiera HostMilano. Apre un nuovo locale a {city}.",
			"Molto esigente sulla qualità della miscela. Preferisce il 100% arabica."},
		"supplier": {"Fornitore dal {year}. Referente commerciale: {given}.",
			"Tempi di consegna 5-7 giorni lavorativi. Ordine minimo 500 €.",
			"Per i ricambi urgenti chiamare direttamente il magazzino.",
			"Pagamento a 60 gg d.f.f.m.\nChiedere sempre conferma d'ordine scritta."},
		"courier": {"Ritiri entro le 16:30. Chiamare il giorno prima.", "Autista di zona: passa verso le 11.",
			"Per reclami aprire ticket sul portale, poi chiamare.", "Tariffa convenzionata per colli fino a 30 kg."},
	},
	"en": {
		"client": {"Customer since {year}. Prefers email for quotes, phone for urgent things.",
			"Runs a chain of cafés in {city}. The owner decides everything.",
			"Call around 11:00 our time — they are several hours ahead.",
			"Send prices in EUR, incoterms DAP. Needs a proforma before paying.",
			"Met at HostMilano {year}. Very interested in the lever machines.",
			"Speaks good English; wife handles the accounts."},
		"supplier": {"Supplier since {year}. Ships by sea, lead time about 6 weeks.",
			"Minimum order one container (19.2 t).\nAlways ask for the pre-shipment sample.",
			"Good quality, sometimes late with paperwork."},
		"courier": {"International freight forwarder. Book pickups 48 h in advance.", "Driver speaks a little Italian."},
	},
	"ru": {
		"client": {"Клиент с {year} года. Говорит только по-русски, звонит Анна.",
			"Заказывают зерно оптом раз в квартал. Оплата: 50% предоплата.",
			"Рабочий: {national}, звонить после 10:00 по Москве (у нас на 2 часа раньше).",
			"Интересуются рычажными кофемашинами для сети кофеен.\nНужен сертификат ЕАС.",
			"Доставка через Санкт-Петербург, уточнять таможню заранее.",
			"Всегда просят скидку 5%. Вежливые, но долго решают."},
		"supplier": {"Поставщик упаковки. Сроки 3 недели."},
		"courier":  {"Экспедитор, работает с Италией."},
	},
	"id": {
		"client": {"Punya beberapa kafe, butuh mesin espresso untuk outlet baru.\nMinta penawaran dalam USD.",
			"Pembayaran via transfer bank, biasanya tepat waktu.",
			"Bisa bahasa Inggris sedikit; Luca yang biasa menelepon.",
			"WA: {national}. Lebih suka dihubungi lewat WhatsApp."},
		"supplier": {"Pemasok biji kopi arabika dari Gayo. Minimal order 1 kontainer.",
			"WA: {national}. Lebih suka dihubungi lewat WhatsApp.",
			"Kualitas bagus, kadang dokumen ekspor terlambat.\nSelalu minta sampel sebelum kirim.",
			"Pemasok sejak {year}. Kontak utama: {given}."},
		"courier": {"Forwarder di Tanjung Priok."},
	},
}

// Exactly 1,500 characters (runes); checked by the generator.
const longNote = `Cliente storico, segue Giulia. Riassunto per chi lo chiama la prima volta.

1) Storia: hanno aperto il primo bar in via Tuscolana nel 2009 con una nostra RC-2 Leva usata, poi nel 2015 il secondo locale all'EUR e nel 2021 il laboratorio di pasticceria a Pomezia. Oggi hanno 4 punti vendita e stanno valutando un quinto a Fiumicino. Il titolare decide tutto, ma gli ordini di caffè li fa il figlio, che è più giovane e preferisce WhatsApp alle telefonate.

2) Macchine installate: 3 RC-2 Leva (matricole nel gestionale), 1 RC-3 Multiboiler nel laboratorio, 5 macinacaffè Mulino 64. Contratto di assistenza full risk rinnovato a marzo, scadenza 31/03. Il tecnico di zona è Fabrizio; non mandare altri tecnici, il titolare si lamenta.

3) Consumo: circa 180 kg di miscela al mese, più in estate per i freddi. Usano la nostra miscela Roma 70/30 nei bar e il 100% arabica Sidamo in pasticceria. Chiedono sempre le tazzine con logo a settembre.

4) Pagamenti: RiBa 60 gg d.f.f.m. Un solo insoluto nel 2019, poi sempre puntuali. Fido massimo concordato con l'amministrazione: 12.000 €. Oltre, serve anticipo del 30%.

5) Attenzione: la consegna a via Tuscolana va fatta prima delle 10:00 per la ZTL e il carico/scarico; all'EUR invece dopo le 14:00 perché la mattina c'è il mercato. Il laboratorio di Pomezia è chiuso il lunedì.

6) Prossimi passi: preventivo per la quinta sede (2 RC-2, 2 Mulino 83) da presentare entro fine anno. Non parlare di prezzi al telefono col figlio: solo col titolare, di persona.`
