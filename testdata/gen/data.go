package main

// Static name, place and text pools for the demo data generator.

type nameRU struct{ cyr, lat string }

var itMale = []string{"Marco", "Alessandro", "Lorenzo", "Matteo", "Davide", "Gabriele", "Andrea", "Simone", "Stefano", "Fabrizio",
	"Massimo", "Giuseppe", "Salvatore", "Vincenzo", "Pietro", "Tommaso", "Emanuele", "Raffaele", "Gianluca", "Enrico",
	"Riccardo", "Filippo", "Michele", "Nicolò", "Niccolò", "Roberto", "Claudio", "Maurizio", "Sergio", "Alberto",
	"Antonio", "Francesco", "Giovanni", "Luigi", "Paolo", "Daniele", "Federico", "Edoardo", "Mattia", "Leonardo",
	"Giacomo", "Cosimo", "Ugo", "Mirko", "Fabio", "Dario", "Walter", "Carmine", "Gennaro", "Rocco", "Ettore", "Domenico"}

var itFemale = []string{"Giulia", "Francesca", "Chiara", "Federica", "Elena", "Sara", "Martina", "Valentina", "Ilaria", "Roberta",
	"Paola", "Antonella", "Rosaria", "Carmela", "Lucia", "Beatrice", "Alessia", "Noemi", "Daniela", "Claudia",
	"Silvia", "Serena", "Debora", "Graziella", "Laura", "Maria", "Barbara", "Cristina", "Monica", "Patrizia",
	"Simona", "Manuela", "Alessandra", "Eleonora", "Giorgia", "Aurora", "Ludovica", "Rebecca", "Teresa", "Gabriella",
	"Loredana", "Stefania", "Cinzia", "Emanuela", "Mariangela", "Annalisa", "Rossella", "Nicoletta"}

var itFamily = []string{"Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
	"Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
	"Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli", "Martini", "Leone",
	"Longo", "Gentile", "Martinelli", "Vitale", "Lombardo", "Serra", "Coppola", "De Santis", "D'Angelo", "Marchetti",
	"Parisi", "Villa", "Conte", "Ferraro", "Fabbri", "Bianco", "Marini", "Grasso", "Valentini", "Messina",
	"Sala", "De Angelis", "Gatti", "Pellegrini", "Palumbo", "Sanna", "Farina", "Rizzi", "Monti", "Cattaneo",
	"Morelli", "Amato", "Silvestri", "Mazza", "Testa", "Grassi", "Carbone", "Giuliani", "Benedetti", "Barone",
	"Caputo", "Montanari", "Guerra", "Palmieri", "Bernardi", "Fiore", "De Rosa", "Ferretti", "Bellini", "Basile",
	"Donati", "Piras", "Battaglia", "Sartori", "Neri", "Costantini", "Milani", "Pagano", "Sorrentino", "D'Amico",
	"Orlando", "Cantù", "D'Alò", "Lucà", "Scutellà", "Mammì", "Nicolò", "Musumeci", "Tedeschi", "Proietti", "Ciccarelli"}

var itNick = map[string][]string{
	"Giuseppe": {"Beppe", "Pino", "Peppe"}, "Francesco": {"Checco", "Franco"}, "Luigi": {"Gigi"}, "Salvatore": {"Totò", "Salvo"},
	"Antonio": {"Tonino", "Totò"}, "Vincenzo": {"Enzo"}, "Raffaele": {"Lello"}, "Gabriella": {"Gabri"}, "Alessandra": {"Ale"},
	"Roberta": {"Robi"}, "Maria": {"Mariuccia"}, "Giovanni": {"Gianni", "Nanni"}, "Maurizio": {"Mauri"}, "Emanuele": {"Manu"},
	"Domenico": {"Mimmo"}, "Alessandro": {"Sandro", "Ale"}, "Federica": {"Fede"}, "Valentina": {"Vale"}, "Stefano": {"Ste"},
	"Nicolò": {"Nico"}, "Niccolò": {"Nicco"}, "Rosaria": {"Rosy"}, "Carmela": {"Melina"}, "Gennaro": {"Rino"},
}

var frMale = []string{"Jérôme", "Benoît", "Étienne", "Aurélien", "Loïc", "Gaël", "Noël", "François", "Thierry", "Sébastien", "Frédéric", "Rémi"}
var frFemale = []string{"Françoise", "Hélène", "Amélie", "Clémence", "Zoé", "Anaïs", "Thérèse", "Émilie", "Céline", "Mélanie", "Agnès", "Chloé"}
var frFamily = []string{"Dubois", "Lefèvre", "Moreau", "Girard", "Fournier", "Rousseau", "Mercier", "Bérenger", "Chevalier", "Gauthier", "Fréchette", "Côté", "Lemaître", "Desjardins", "Laurent", "Boucher"}

var deMale = []string{"Jürgen", "Günther", "Jörg", "Björn", "Sören", "Uwe", "Matthias", "Lukas", "Tobias", "Klaus", "Florian", "Rüdiger"}
var deFemale = []string{"Käthe", "Sabine", "Katrin", "Stefanie", "Anke", "Dörte", "Jana", "Birgit", "Ute", "Jutta", "Susanne", "Bärbel"}
var deFamily = []string{"Müller", "Schäfer", "Schröder", "Köhler", "Böhm", "Weiß", "Groß", "Krämer", "Hoffmann", "Becker", "Wagner", "Schmitt", "Fuchs", "Jäger", "Schütz", "Vogt", "Özdemir"}

var esMale = []string{"José", "Jesús", "Ramón", "Álvaro", "Raúl", "Íñigo", "Andrés", "Joaquín", "Julián", "Martín", "Sergio", "Adrián"}
var esFemale = []string{"María", "Inés", "Sofía", "Lucía", "Begoña", "Nuria", "Mónica", "Ángela", "Pilar", "Rocío", "Leticia", "Elena"}
var esFamily = []string{"García", "Martínez", "Fernández", "López", "González", "Rodríguez", "Sánchez", "Pérez", "Gómez", "Muñoz", "Jiménez", "Ibáñez", "Núñez", "Castaño", "Peña", "Díaz"}

var plMale = []string{"Łukasz", "Paweł", "Wojciech", "Grzegorz", "Michał", "Krzysztof", "Piotr"}
var plFemale = []string{"Małgorzata", "Agnieszka", "Katarzyna", "Joanna", "Magdalena", "Żaneta"}
var plFamilyM = []string{"Wiśniewski", "Kowalczyk", "Wójcik", "Zieliński", "Dąbrowski", "Lewandowski", "Kamiński", "Szymański"}

var ruMale = []nameRU{{"Дмитрий", "Dmitry"}, {"Сергей", "Sergey"}, {"Алексей", "Alexey"}, {"Андрей", "Andrey"}, {"Игорь", "Igor"},
	{"Михаил", "Mikhail"}, {"Николай", "Nikolay"}, {"Владимир", "Vladimir"}, {"Павел", "Pavel"}, {"Артём", "Artyom"},
	{"Иван", "Ivan"}, {"Олег", "Oleg"}, {"Евгений", "Evgeny"}, {"Максим", "Maxim"}, {"Юрий", "Yury"}, {"Фёдор", "Fyodor"}, {"Александр", "Alexander"}}
var ruFemale = []nameRU{{"Анна", "Anna"}, {"Ольга", "Olga"}, {"Елена", "Elena"}, {"Наталья", "Natalya"}, {"Татьяна", "Tatyana"},
	{"Екатерина", "Ekaterina"}, {"Юлия", "Yulia"}, {"Ирина", "Irina"}, {"Мария", "Maria"}, {"Светлана", "Svetlana"},
	{"Ксения", "Ksenia"}, {"Дарья", "Darya"}, {"Алёна", "Alyona"}, {"Людмила", "Lyudmila"}}

// Male forms; the female form appends "а"/"a".
var ruFamily = []nameRU{{"Смирнов", "Smirnov"}, {"Иванов", "Ivanov"}, {"Кузнецов", "Kuznetsov"}, {"Попов", "Popov"}, {"Соколов", "Sokolov"},
	{"Лебедев", "Lebedev"}, {"Козлов", "Kozlov"}, {"Новиков", "Novikov"}, {"Морозов", "Morozov"}, {"Петров", "Petrov"},
	{"Волков", "Volkov"}, {"Соловьёв", "Solovyov"}, {"Васильев", "Vasilyev"}, {"Зайцев", "Zaytsev"}, {"Павлов", "Pavlov"},
	{"Семёнов", "Semyonov"}, {"Голубев", "Golubev"}, {"Виноградов", "Vinogradov"}, {"Богданов", "Bogdanov"}, {"Воробьёв", "Vorobyov"},
	{"Фёдоров", "Fyodorov"}, {"Михайлов", "Mikhaylov"}, {"Беляев", "Belyaev"}, {"Тарасов", "Tarasov"}, {"Белов", "Belov"}, {"Орлов", "Orlov"}}

var ruNick = map[string]string{"Дмитрий": "Дима", "Сергей": "Серёжа", "Алексей": "Лёша", "Александр": "Саша", "Анна": "Аня",
	"Ольга": "Оля", "Елена": "Лена", "Наталья": "Наташа", "Татьяна": "Таня", "Екатерина": "Катя", "Михаил": "Миша",
	"Николай": "Коля", "Владимир": "Володя", "Павел": "Паша", "Иван": "Ваня", "Мария": "Маша", "Светлана": "Света",
	"Юлия": "Юля", "Ирина": "Ира", "Евгений": "Женя", "Максим": "Макс"}

var taMale = []nameRU{{"முருகன்", "Murugan"}, {"கார்த்திக்", "Karthik"}, {"ராஜேஷ்", "Rajesh"}, {"அருண்", "Arun"}, {"சரவணன்", "Saravanan"},
	{"வேலு", "Velu"}, {"தமிழ்செல்வன்", "Tamilselvan"}, {"ஆனந்த்", "Anand"}, {"செந்தில்", "Senthil"}, {"பாலாஜி", "Balaji"},
	{"விஜய்", "Vijay"}, {"கணேஷ்", "Ganesh"}}
var taFemale = []nameRU{{"பிரியா", "Priya"}, {"லட்சுமி", "Lakshmi"}, {"செல்வி", "Selvi"}, {"கவிதா", "Kavitha"}, {"மீனா", "Meena"},
	{"தேவி", "Devi"}, {"சித்ரா", "Chitra"}, {"அனிதா", "Anitha"}, {"வள்ளி", "Valli"}, {"ஜெயந்தி", "Jayanthi"}, {"கலா", "Kala"}}
var taFamily = []nameRU{{"சுப்பிரமணியம்", "Subramaniam"}, {"ராமசாமி", "Ramasamy"}, {"கிருஷ்ணன்", "Krishnan"}, {"வெங்கடேசன்", "Venkatesan"},
	{"சுந்தரம்", "Sundaram"}, {"நடராஜன்", "Natarajan"}, {"சந்திரசேகரன்", "Chandrasekaran"}, {"ஆறுமுகம்", "Arumugam"},
	{"கணேசன்", "Ganesan"}, {"பழனிசாமி", "Palanisamy"}, {"ராஜேந்திரன்", "Rajendran"}, {"முத்துசாமி", "Muthusamy"},
	{"சிவகுமார்", "Sivakumar"}, {"இளங்கோ", "Elango"}, {"அண்ணாமலை", "Annamalai"}}

var idMale = []string{"Budi", "Agus", "Eko", "Hendra", "Joko", "Wahyu", "Andi", "Rudi", "Bambang", "Dedi", "Rizky", "Fajar", "Arif", "Yusuf"}
var idFemale = []string{"Siti", "Dewi", "Sri", "Rina", "Putri", "Nur", "Fitri", "Yuni", "Ayu", "Indah", "Ratna", "Wulan"}
var idFamilyM = []string{"Santoso", "Setiawan", "Prasetyo", "Wijaya", "Susilo", "Hidayat", "Saputra", "Hartono", "Sutrisno", "Nugroho", "Gunawan", "Pratama", "Suryadi"}
var idFamilyF = []string{"Rahayu", "Lestari", "Wahyuni", "Kurniawati", "Anggraini", "Handayani", "Astuti", "Permatasari", "Puspitasari", "Maharani"}
var idMononym = []string{"Suharti", "Sukirman", "Mulyono", "Sumiati"}

// Roman neighbourhoods and generic words used in company names.
var romePlaces = []string{"Trastevere", "Pigneto", "Testaccio", "Prati", "Monteverde", "San Lorenzo", "Garbatella", "Ostiense",
	"Parioli", "Centocelle", "Appio", "Flaminio", "Nomentano", "Monti", "Esquilino", "Aurelio", "Trionfale", "Tuscolano",
	"Quadraro", "Colosseo", "Gianicolo", "Aventino", "Celio", "Tiburtino", "Prenestino", "Portuense", "Marconi", "Boccea",
	"Balduina", "Talenti", "Montesacro", "Torpignattara", "Cinecittà", "Casal Bertone", "EUR", "Ponte Milvio", "Campo de' Fiori",
	"Navona", "Trevi", "Borgo Pio", "Tevere", "Aurora", "Dolce Vita", "La Tazzina", "Il Chicco d'Oro", "Stella", "Sole"}
var itRegions = []string{"Lazio", "Tirreno", "Centro Italia", "Ciociaria", "Castelli Romani", "Sud", "Adriatica", "Tuscia"}

type city struct {
	name     string
	area     string // trunk/area code as dialled after the country code (IT: with leading 0)
	subLens  []int
	addrs    []string // with %d for house number
	addrsLat []string // Latin variants (RU only)
	weight   int
}

var itCities = []city{
	{"Roma", "06", []int{8}, []string{"Via Tuscolana %d, 00181 Roma RM, Italy", "Via Casilina %d, 00176 Roma RM, Italy",
		"Via Nomentana %d, 00161 Roma RM, Italy", "Via Prenestina %d, 00177 Roma RM, Italy", "Viale Guglielmo Marconi %d, 00146 Roma RM, Italy",
		"Via Ostiense %d, 00154 Roma RM, Italy", "Via Cassia %d, 00189 Roma RM, Italy", "Via Aurelia %d, 00165 Roma RM, Italy",
		"Via del Corso %d, 00186 Roma RM, Italy", "Via Cola di Rienzo %d, 00192 Roma RM, Italy", "Via Appia Nuova %d, 00183 Roma RM, Italy",
		"Viale di Trastevere %d, 00153 Roma RM, Italy", "Via Tiburtina %d, 00159 Roma RM, Italy", "Piazza Bologna %d, 00162 Roma RM, Italy",
		"Via Salaria %d, 00199 Roma RM, Italy", "Via Flaminia %d, 00196 Roma RM, Italy", "Via Merulana %d, 00185 Roma RM, Italy",
		"Via di Boccea %d, 00167 Roma RM, Italy", "Via Ardeatina %d, 00178 Roma RM, Italy", "Via Laurentina %d, 00143 Roma RM, Italy",
		"Via del Pigneto %d, 00176 Roma RM, Italy", "Via Marmorata %d, 00153 Roma RM, Italy", "Circonvallazione Gianicolense %d, 00152 Roma RM, Italy"}, nil, 60},
	{"Fiumicino", "06", []int{8}, []string{"Via della Scafa %d, 00054 Fiumicino RM, Italy", "Via Portuense %d, 00054 Fiumicino RM, Italy"}, nil, 3},
	{"Pomezia", "06", []int{8}, []string{"Via Pontina km 31 n. %d, 00071 Pomezia RM, Italy", "Via dei Castelli Romani %d, 00071 Pomezia RM, Italy"}, nil, 3},
	{"Frascati", "06", []int{8}, []string{"Piazza del Mercato %d, 00044 Frascati RM, Italy"}, nil, 2},
	{"Tivoli", "0774", []int{6}, []string{"Viale Tomei %d, 00019 Tivoli RM, Italy"}, nil, 2},
	{"Latina", "0773", []int{6}, []string{"Corso della Repubblica %d, 04100 Latina LT, Italy", "Via Epitaffio %d, 04100 Latina LT, Italy"}, nil, 3},
	{"Frosinone", "0775", []int{6}, []string{"Via Aldo Moro %d, 03100 Frosinone FR, Italy"}, nil, 2},
	{"Viterbo", "0761", []int{6}, []string{"Via Cairoli %d, 01100 Viterbo VT, Italy"}, nil, 2},
	{"Milano", "02", []int{8, 8, 7}, []string{"Via Padova %d, 20127 Milano MI, Italy", "Corso Buenos Aires %d, 20124 Milano MI, Italy",
		"Viale Monza %d, 20125 Milano MI, Italy", "Via Torino %d, 20123 Milano MI, Italy", "Via Mecenate %d, 20138 Milano MI, Italy"}, nil, 8},
	{"Torino", "011", []int{7}, []string{"Via Roma %d, 10121 Torino TO, Italy", "Corso Vittorio Emanuele II %d, 10128 Torino TO, Italy"}, nil, 3},
	{"Napoli", "081", []int{7}, []string{"Via Toledo %d, 80134 Napoli NA, Italy", "Corso Umberto I %d, 80138 Napoli NA, Italy"}, nil, 4},
	{"Firenze", "055", []int{7}, []string{"Via dei Calzaiuoli %d, 50122 Firenze FI, Italy", "Viale Spartaco Lavagnini %d, 50129 Firenze FI, Italy"}, nil, 3},
	{"Bologna", "051", []int{7}, []string{"Via dell'Indipendenza %d, 40121 Bologna BO, Italy"}, nil, 2},
	{"Bari", "080", []int{7}, []string{"Corso Cavour %d, 70121 Bari BA, Italy"}, nil, 2},
	{"Palermo", "091", []int{7}, []string{"Via Maqueda %d, 90133 Palermo PA, Italy"}, nil, 2},
	{"Verona", "045", []int{7}, []string{"Corso Porta Nuova %d, 37122 Verona VR, Italy"}, nil, 1},
	{"Genova", "010", []int{7}, []string{"Via XX Settembre %d, 16121 Genova GE, Italy"}, nil, 1},
}

var ruCities = []city{
	{"Москва", "495", []int{7}, []string{"ул. Тверская, д. %d, Москва, 125009, Россия", "Ленинский проспект, д. %d, Москва, 119071, Россия",
		"ул. Арбат, д. %d, Москва, 119002, Россия", "Кутузовский проспект, д. %d, Москва, 121165, Россия", "ул. Покровка, д. %d, Москва, 101000, Россия"},
		[]string{"Tverskaya St %d, 125009 Moscow, Russia", "Leninsky Prospekt %d, 119071 Moscow, Russia"}, 6},
	{"Москва", "499", []int{7}, []string{"Профсоюзная ул., д. %d, Москва, 117292, Россия"}, []string{"Profsoyuznaya St %d, 117292 Moscow, Russia"}, 3},
	{"Санкт-Петербург", "812", []int{7}, []string{"Невский проспект, д. %d, Санкт-Петербург, 191186, Россия", "Лиговский проспект, д. %d, Санкт-Петербург, 191040, Россия"},
		[]string{"Nevsky Prospekt %d, 191186 Saint Petersburg, Russia"}, 4},
	{"Казань", "843", []int{7}, []string{"ул. Баумана, д. %d, Казань, 420111, Россия"}, []string{"Baumana St %d, 420111 Kazan, Russia"}, 1},
	{"Екатеринбург", "343", []int{7}, []string{"ул. Малышева, д. %d, Екатеринбург, 620014, Россия"}, []string{"Malysheva St %d, 620014 Yekaterinburg, Russia"}, 1},
	{"Новосибирск", "383", []int{7}, []string{"Красный проспект, д. %d, Новосибирск, 630099, Россия"}, []string{"Krasny Prospekt %d, 630099 Novosibirsk, Russia"}, 1},
}

var inCities = []city{
	{"Chennai", "44", []int{8}, []string{"%d Anna Salai, Teynampet, Chennai, Tamil Nadu 600018, India", "%d TTK Road, Alwarpet, Chennai, Tamil Nadu 600018, India",
		"%d 2nd Avenue, Anna Nagar, Chennai, Tamil Nadu 600040, India", "%d Luz Church Road, Mylapore, Chennai, Tamil Nadu 600004, India"}, nil, 6},
	{"Coimbatore", "422", []int{7}, []string{"%d Race Course Road, Coimbatore, Tamil Nadu 641018, India"}, nil, 2},
	{"Madurai", "452", []int{7}, []string{"%d North Veli Street, Madurai, Tamil Nadu 625001, India"}, nil, 2},
	{"Salem", "427", []int{7}, []string{"%d Yercaud Main Road, Yercaud, Salem, Tamil Nadu 636601, India"}, nil, 2},
	{"Bengaluru", "80", []int{8}, []string{"%d MG Road, Bengaluru, Karnataka 560001, India"}, nil, 1},
}

var idCities = []city{
	{"Jakarta", "21", []int{8}, []string{"Jl. Jend. Sudirman No. %d, Jakarta Pusat 10220, Indonesia", "Jl. Kemang Raya No. %d, Jakarta Selatan 12730, Indonesia"}, nil, 5},
	{"Surabaya", "31", []int{7, 8}, []string{"Jl. Tunjungan No. %d, Surabaya 60275, Indonesia"}, nil, 2},
	{"Bandung", "22", []int{7, 8}, []string{"Jl. Braga No. %d, Bandung 40111, Indonesia"}, nil, 2},
	{"Denpasar", "361", []int{6, 7}, []string{"Jl. Raya Ubud No. %d, Gianyar, Bali 80571, Indonesia", "Jl. Teuku Umar No. %d, Denpasar, Bali 80113, Indonesia"}, nil, 3},
	{"Yogyakarta", "274", []int{6, 7}, []string{"Jl. Malioboro No. %d, Yogyakarta 55213, Indonesia"}, nil, 1},
	{"Medan", "61", []int{7, 8}, []string{"Jl. Gatot Subroto No. %d, Medan 20112, Indonesia"}, nil, 2},
}

var frCities = []city{
	{"Paris", "1", []int{8}, []string{"%d rue de Rivoli, 75004 Paris, France", "%d boulevard Voltaire, 75011 Paris, France", "%d rue Oberkampf, 75011 Paris, France"}, nil, 4},
	{"Lyon", "4", []int{8}, []string{"%d quai Saint-Antoine, 69002 Lyon, France"}, nil, 2},
	{"Marseille", "4", []int{8}, []string{"%d rue Paradis, 13001 Marseille, France"}, nil, 1},
	{"Nice", "4", []int{8}, []string{"%d avenue Jean Médecin, 06000 Nice, France"}, nil, 1},
	{"Bordeaux", "5", []int{8}, []string{"%d cours de l'Intendance, 33000 Bordeaux, France"}, nil, 1},
}
var frSub = map[string][]string{"Paris": {"4", "5"}, "Lyon": {"78", "72"}, "Marseille": {"91"}, "Nice": {"93"}, "Bordeaux": {"56"}}

var deCities = []city{
	{"Berlin", "30", []int{8}, []string{"Friedrichstraße %d, 10117 Berlin, Germany", "Kastanienallee %d, 10435 Berlin, Germany"}, nil, 3},
	{"München", "89", []int{8, 7}, []string{"Leopoldstraße %d, 80802 München, Germany"}, nil, 2},
	{"Hamburg", "40", []int{8}, []string{"Mönckebergstraße %d, 20095 Hamburg, Germany"}, nil, 2},
	{"Köln", "221", []int{7}, []string{"Hohe Straße %d, 50667 Köln, Germany"}, nil, 1},
	{"Frankfurt am Main", "69", []int{8}, []string{"Zeil %d, 60313 Frankfurt am Main, Germany"}, nil, 1},
}

var esCities = []city{
	{"Madrid", "91", []int{7}, []string{"Calle de Alcalá %d, 28014 Madrid, Spain", "Calle de Fuencarral %d, 28004 Madrid, Spain"}, nil, 3},
	{"Barcelona", "93", []int{7}, []string{"Carrer de Mallorca %d, 08008 Barcelona, Spain"}, nil, 2},
	{"Valencia", "96", []int{7}, []string{"Calle de Colón %d, 46004 Valencia, Spain"}, nil, 1},
	{"Sevilla", "95", []int{7}, []string{"Calle Sierpes %d, 41004 Sevilla, Spain"}, nil, 1},
}

var plCities = []city{
	{"Warszawa", "22", []int{7}, []string{"ul. Marszałkowska %d, 00-590 Warszawa, Poland"}, nil, 2},
	{"Kraków", "12", []int{7}, []string{"ul. Floriańska %d, 31-019 Kraków, Poland"}, nil, 1},
	{"Wrocław", "71", []int{7}, []string{"ul. Świdnicka %d, 50-066 Wrocław, Poland"}, nil, 1},
}

// Company name pools (foreign). Each: display name, ASCII slug for domains.
type coName struct{ name, slug string }

var ruCompanies = []coName{{"ООО «Кофейня Арбат»", "arbat-coffee"}, {"ООО «Эспрессо Сервис»", "espresso-service"}, {"ООО «Вектор Трейд»", "vector-trade"},
	{"АО «Торговый дом Невский»", "td-nevsky"}, {"ООО «Бариста Про»", "baristapro"}, {"ООО «Итальянский Дом»", "italdom"},
	{"ООО «Капучино Групп»", "cappuccino-group"}, {"ООО «Волга Трейд»", "volga-trade"}, {"ООО «Сибирский Кофе»", "sibcoffee"},
	{"ООО «Урал Хорека»", "ural-horeca"}, {"ООО «Северная Столица»", "sev-stolitsa"}, {"ООО «Зерно и Чашка»", "zerno-chashka"}}
var ruCompaniesLat = []coName{{"OOO Vector Trade", "vector-trade"}, {"Baltic Horeca Supply LLC", "baltic-horeca"}, {"OOO Moscow Coffee Equipment", "mce"}}

var inClientCos = []coName{{"Chennai Brew House Pvt Ltd", "chennaibrewhouse"}, {"Kaveri Café Chain Pvt Ltd", "kavericafe"}, {"Madurai Filter Coffee Co. Pvt Ltd", "maduraifiltercoffee"},
	{"Mylapore Hospitality Pvt Ltd", "mylaporehospitality"}, {"Coimbatore Kitchen Equipment Pvt Ltd", "cbekitchen"}, {"Marina Hotels Pvt Ltd", "marinahotels"},
	{"Anna Nagar Bakery & Café", "annanagarbakery"}, {"Bengaluru Espresso Bar Pvt Ltd", "blrespresso"}, {"Shree Ganesh Traders", "shreeganeshtraders"}}
var inSupplierCos = []coName{{"Nilgiri Hills Estates Pvt Ltd", "nilgirihills"}, {"Yercaud Plantation Coffee Pvt Ltd", "yercaudcoffee"},
	{"Shevaroy Beans Exports Pvt Ltd", "shevaroybeans"}, {"Palani Hills Arabica Pvt Ltd", "palaniarabica"}}

var idClientCos = []coName{{"PT Sinar Bali Hospitality", "sinarbali"}, {"PT Hotel Ubud Indah", "ubudindah"}, {"PT Kafe Kita Indonesia", "kafekita"},
	{"PT Surya Boga Jakarta", "suryaboga"}, {"CV Sari Kopi Bandung", "sarikopi"}, {"PT Sumber Rejeki Abadi", "sumberrejeki"}}
var idSupplierCos = []coName{{"PT Kopi Nusantara Jaya", "kopinusantara"}, {"CV Java Bean Exporter", "javabean"}, {"PT Mitra Kopi Sumatra", "mitrakopi"},
	{"PT Gayo Arabika Lestari", "gayoarabika"}, {"PT Toraja Kopi Utama", "torajakopi"}, {"CV Rotan Jaya Makmur", "rotanjaya"}}

var frClientCos = []coName{{"SARL Café des Arts", "cafedesarts"}, {"Bistrot du Marché SARL", "bistrotdumarche"}, {"Hôtel Bellecour SAS", "hotelbellecour"},
	{"Pâtisserie Moreau", "patisserie-moreau"}, {"Le Comptoir Italien SAS", "comptoir-italien"}}
var frSupplierCos = []coName{{"Brûlerie Lefèvre SAS", "brulerie-lefevre"}, {"Emballages Girard SA", "emballages-girard"}}
var deClientCos = []coName{{"Café Köhler", "cafe-koehler"}, {"Hotel Krämer am See GmbH", "hotel-kraemer"}, {"Bäckerei Fuchs", "baeckerei-fuchs"},
	{"Groß Gastro-Service GmbH", "gross-gastro"}, {"Espressobar Schütz", "espressobar-schuetz"}}
var deSupplierCos = []coName{{"Müller Kaffeemaschinen GmbH", "mueller-kaffeemaschinen"}, {"Schäfer Ersatzteile GmbH & Co. KG", "schaefer-ersatzteile"},
	{"Rösterei Weiß GmbH", "roesterei-weiss"}, {"Böhm Mahlwerke GmbH", "boehm-mahlwerke"}}
var deCourierCos = []coName{{"Spedition Jäger GmbH", "spedition-jaeger"}}
var esClientCos = []coName{{"Hostelería Núñez S.A.", "hosteleria-nunez"}, {"Cafetería La Plaza S.L.", "cafeterialaplaza"}, {"Distribuciones Muñoz S.L.", "distribucionesmunoz"}, {"Bar Los Álamos", "barlosalamos"}}
var esSupplierCos = []coName{{"Cafés Ibáñez S.L.", "cafes-ibanez"}}
var plClientCos = []coName{{"Kawiarnia Pod Wawelem Sp. z o.o.", "podwawelem"}, {"Espresso Serwis Dąbrowski", "espressoserwis"}}
var plCourierCos = []coName{{"Transport Wiśniewski Sp. z o.o.", "transport-wisniewski"}, {"Łódź Cargo Sp. z o.o.", "lodzcargo"}}
