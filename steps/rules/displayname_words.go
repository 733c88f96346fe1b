package rules

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// The word lists behind the display-name content warnings: NameGeneric,
// NamePlace, NamePerson and NameSlogan. Meta's guidelines decline a name that is
// only a generic term or place, a person's full name or a slogan; no list can
// tell those apart from a brand, so these are small, hand-made heuristics in
// English, Russian and Kazakh, and they only ever warn: the user confirms with one
// key when the brand really is so. Add a word when a real name is missed, and
// keep the lists short enough to read.
//
// Entries are written as people write them and folded with foldName when the
// package loads (lower case, marks removed: "й" → "и", "ё" → "е"), as the words
// of a name are. A Latin entry also matches its plural ("medicine" → "medicines");
// a Cyrillic entry matches with up to three more letters, the case endings of
// Russian and Kazakh ("казахстан" → "казахстана", "қазақстанда").

// genericWords are common nouns of the businesses the wizard's users run
// (health care first), and of everyday trades.
var genericWords = foldSet(
	// English
	"pharmacy", "pharmacies", "pharma", "pharmaceuticals", "medicine", "medical", "drug", "drugstore",
	"clinic", "hospital", "health", "healthcare", "doctor", "dentist", "dental", "laboratory", "lab",
	"shop", "store", "market", "supermarket", "bank", "cafe", "coffee", "restaurant", "hotel", "taxi",
	"delivery", "service", "company", "group", "center", "centre", "product", "food", "pizza",
	"flower", "beauty", "salon", "school", "education", "travel", "insurance", "furniture",
	"electronics", "clothes", "fashion", "book", "sport", "fitness", "goods", "price", "sale",
	"support", "news", "vitamins",
	// Russian
	"аптека", "фармация", "фарма", "лекарство", "лекарства", "медицина", "медицинский", "клиника",
	"больница", "поликлиника", "здоровье", "доктор", "врач", "стоматология", "лаборатория",
	"магазин", "маркет", "рынок", "супермаркет", "банк", "кафе", "кофе", "ресторан", "гостиница",
	"отель", "такси", "доставка", "услуги", "сервис", "компания", "группа", "центр", "продукты",
	"еда", "пицца", "цветы", "красота", "салон", "школа", "образование", "страхование", "мебель",
	"одежда", "книги", "спорт", "товары", "цены", "скидки", "поддержка", "новости", "витамины",
	// Kazakh
	"дәріхана", "дәрі", "дәрігер", "емхана", "аурухана", "денсаулық", "медицина", "дүкен", "базар",
	"дәмхана", "мейрамхана", "қонақүй", "жеткізу", "қызмет", "орталық", "өнім", "тамақ", "гүл",
	"сұлулық", "мектеп", "білім", "тауар", "баға", "жеңілдік", "жаңалықтар",
)

// stopWords are the small words that join others ("Medicines for Kazakhstan"):
// they neither make a name generic nor save it.
var stopWords = foldSet(
	"the", "a", "an", "and", "for", "of", "in", "on", "at", "to", "with", "your", "our", "all",
	"и", "для", "в", "на", "из", "с", "по", "от", "ваш", "ваша", "наш", "наша", "все",
	"және", "үшін", "мен", "бен", "пен", "біздің", "сіздің", "барлық",
)

// placeWords are Kazakhstan, its regions and big cities, the neighbours and
// their capitals, and the words of directions that make region names.
var placeWords = foldSet(
	// English (and Latin Kazakh)
	"kazakhstan", "qazaqstan", "almaty", "astana", "shymkent", "karaganda", "karagandy", "qaraghandy",
	"aktobe", "aqtobe", "taraz", "pavlodar", "oskemen", "ust", "kamenogorsk", "semey", "atyrau", "kostanay",
	"qostanay", "kyzylorda", "qyzylorda", "uralsk", "oral", "petropavl", "petropavlovsk", "aktau", "aqtau",
	"turkistan", "turkestan", "kokshetau", "taldykorgan", "ekibastuz", "zhezkazgan", "temirtau",
	"abai", "akmola", "aqmola", "zhambyl", "zhetysu", "mangystau", "mangistau", "ulytau",
	"kyrgyzstan", "uzbekistan", "tajikistan", "turkmenistan", "russia", "china", "mongolia",
	"azerbaijan", "georgia", "armenia", "belarus", "bishkek", "tashkent", "dushanbe", "ashgabat",
	"moscow", "beijing", "baku", "tbilisi", "yerevan", "minsk", "ulaanbaatar", "asia", "eurasia",
	"north", "south", "east", "west", "central", "northern", "southern", "eastern", "western",
	// Russian
	"казахстан", "алматы", "астана", "шымкент", "караганда", "актобе", "тараз", "павлодар",
	"усть", "каменогорск", "семей", "атырау", "костанай", "кызылорда", "уральск", "петропавловск",
	"актау", "туркестан", "кокшетау", "талдыкорган", "экибастуз", "жезказган", "темиртау",
	"абай", "акмола", "жамбыл", "жетысу", "мангистау", "улытау",
	"кыргызстан", "киргизия", "узбекистан", "таджикистан", "туркменистан", "россия", "китай",
	"монголия", "азербайджан", "грузия", "армения", "беларусь", "бишкек", "ташкент", "душанбе",
	"ашхабад", "москва", "пекин", "баку", "тбилиси", "ереван", "минск", "азия", "евразия",
	"северный", "южный", "восточный", "западный", "центральный", "север", "юг", "восток", "запад",
	// Kazakh
	"қазақстан", "қарағанды", "ақтөбе", "өскемен", "қостанай", "қызылорда", "орал", "петропавл",
	"ақтау", "түркістан", "көкшетау", "талдықорған", "екібастұз", "жезқазған", "теміртау",
	"ақмола", "жетісу", "маңғыстау", "ұлытау",
	"қырғызстан", "өзбекстан", "тәжікстан", "түрікменстан", "ресей", "қытай", "моңғолия",
	"әзербайжан", "армения", "беларусь", "мәскеу", "бейжің", "ташкент",
	"солтүстік", "оңтүстік", "шығыс", "батыс",
)

// testWords make a test name, which Meta allows ("Acme Test"): no content warning.
var testWords = foldSet("test", "testing", "demo", "sandbox", "тест", "тестовый", "демо", "сынақ")

// firstNames are common first names in Kazakhstan (Kazakh and Russian, in
// Latin and Cyrillic) and a few English ones.
var firstNames = foldSet(
	"aigerim", "aizhan", "aliya", "asel", "dana", "dinara", "gulnara", "madina", "saule", "zhanar",
	"aruzhan", "ainur", "nurlan", "yerlan", "erlan", "askar", "arman", "daniyar", "bauyrzhan",
	"yerzhan", "kairat", "serik", "marat", "timur", "ruslan", "azamat", "damir", "alikhan",
	"alexander", "alexey", "andrey", "dmitry", "ivan", "sergey", "mikhail", "nikolai", "olga",
	"elena", "natalia", "irina", "anna", "maria", "tatiana", "svetlana", "ekaterina",
	"john", "james", "michael", "david", "mary", "sarah", "emma",
	"айгерим", "айгерім", "айжан", "алия", "асель", "әсел", "дана", "динара", "гульнара", "гүлнара",
	"мадина", "сауле", "сәуле", "жанар", "аружан", "айнур", "нурлан", "нұрлан", "ерлан", "аскар",
	"асқар", "арман", "данияр", "бауыржан", "ержан", "кайрат", "қайрат", "серик", "серік", "марат",
	"тимур", "руслан", "азамат", "дамир", "алихан", "александр", "алексей", "андрей", "дмитрий",
	"иван", "сергей", "михаил", "николай", "ольга", "елена", "наталья", "ирина", "анна", "мария",
	"татьяна", "светлана", "екатерина",
)

// surnameEndings are the endings of surnames and patronymics in the region:
// Russian -ov/-ova/-ev/-eva/-in/-ina/-sky, Ukrainian -enko, Kazakh -uly/-kyzy,
// Armenian -yan, Georgian -dze/-shvili, patronymics -ovich/-evna….
var surnameEndings = foldAll(
	"ov", "ova", "ev", "eva", "in", "ina", "uly", "uli", "kyzy", "qyzy", "enko", "sky", "skiy",
	"skaya", "yan", "dze", "shvili", "ovich", "evich", "ovna", "evna",
	"ов", "ова", "ев", "ева", "ин", "ина", "улы", "ұлы", "кызы", "қызы", "енко", "ский", "ская",
	"ян", "дзе", "швили", "ович", "евич", "овна", "евна",
)

// patronymicWords stand alone after a Kazakh name ("Нурлан Серик улы").
var patronymicWords = foldSet("uly", "uli", "kyzy", "qyzy", "улы", "ұлы", "кызы", "қызы")

// sloganWords make a slogan wherever they stand: superlatives and claims.
var sloganWords = foldSet(
	"best", "cheapest", "greatest", "лучший", "лучшая", "лучшее", "лучшие", "самый", "самая",
	"самые", "дешевле", "дешевые", "дешёвые", "үздік",
)

// sloganPhrases are slogan shapes of several words, matched in the folded words
// of the name, joined by single spaces.
var sloganPhrases = foldAll(
	"number one", "number 1", "no 1", "for you", "low prices", "for less",
	"для вас", "для тебя", "низкие цены", "номер один", "только у нас",
	"ең жақсы", "ең арзан", "сіз үшін", "тек бізде",
)

// foldAll folds every entry with foldName.
func foldAll(entries ...string) []string {
	out := make([]string, len(entries))
	for i, e := range entries {
		out[i] = foldName(e)
	}
	return out
}

func foldSet(entries ...string) map[string]bool {
	m := make(map[string]bool, len(entries))
	for _, e := range foldAll(entries...) {
		m[e] = true
	}
	return m
}

// inList reports whether folded word w is an entry of set, or an entry with a
// plural or case ending (see the package comment above).
func inList(set map[string]bool, w string) bool {
	if set[w] {
		return true
	}
	w = strings.TrimFunc(w, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	if set[w] {
		return true
	}
	if cyrillicWord(w) {
		// the shortest stem first: "аптеками" is "аптека" less its "а", plus "ами"
		r := []rune(w)
		for cut := 1; cut <= 3 && cut < len(r)-2; cut++ {
			stem := string(r[:len(r)-cut])
			if set[stem] || set[stem+"а"] || set[stem+"ы"] || set[stem+"и"] || set[stem+"ь"] {
				return true
			}
		}
		return false
	}
	for _, suffix := range []string{"s", "es"} {
		if stem, ok := strings.CutSuffix(w, suffix); ok && set[stem] {
			return true
		}
	}
	return false
}

func cyrillicWord(w string) bool {
	r, _ := utf8.DecodeRuneInString(w)
	return unicode.Is(unicode.Cyrillic, r)
}

func genericWord(w string) bool { return inList(genericWords, w) }

type wordClass int

const (
	wordsOther   wordClass = iota // a word of no list: perhaps the brand
	wordsGeneric                  // generic words only, perhaps with places
	wordsPlace                    // places only
)

// classifyWords tells whether a name (its folded words) is only generic words
// or only places, leaving stop words and numbers aside. A test name is neither.
func classifyWords(words []string) wordClass {
	generic, place := 0, 0
	for _, w := range words {
		switch {
		case inList(testWords, w):
			return wordsOther
		case stopWords[w], !strings.ContainsFunc(w, unicode.IsLetter):
		case inList(placeWords, w):
			place++
		case inList(genericWords, w):
			generic++
		default:
			return wordsOther
		}
	}
	switch {
	case generic > 0:
		return wordsGeneric
	case place > 0:
		return wordsPlace
	}
	return wordsOther
}

// personName: two or three words of letters only, one of them a common first
// name, another shaped like a surname or a patronymic.
func personName(words []string) bool {
	if len(words) < 2 || len(words) > 3 {
		return false
	}
	first, family := 0, 0
	for _, w := range words {
		if strings.ContainsFunc(w, func(r rune) bool { return !unicode.IsLetter(r) }) {
			return false
		}
		switch {
		case inList(testWords, w):
			return false
		case firstNames[w]:
			first++
		case patronymicWords[w] || surnameShaped(w):
			family++
		default:
			return false
		}
	}
	return first > 0 && family > 0
}

func surnameShaped(w string) bool {
	if utf8.RuneCountInString(w) < 4 {
		return false
	}
	for _, e := range surnameEndings {
		if strings.HasSuffix(w, e) {
			return true
		}
	}
	return false
}

// slogan: a superlative or claim word, a slogan phrase, or "№1" / "#1" / "No. 1".
func slogan(s string, words []string) bool {
	for _, w := range words {
		if inList(testWords, w) {
			return false
		}
	}
	for _, w := range words {
		if sloganWords[w] || strings.HasPrefix(w, "лучш") {
			return true
		}
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, p := range sloganPhrases {
		if strings.Contains(joined, " "+p+" ") {
			return true
		}
	}
	compact := strings.ToLower(strings.Join(strings.Fields(s), ""))
	for _, p := range []string{"№1", "#1", "no.1", "n°1"} {
		if i := strings.Index(compact, p); i >= 0 {
			rest := compact[i+len(p):]
			if r, _ := utf8.DecodeRuneInString(rest); !unicode.IsDigit(r) {
				return true
			}
		}
	}
	return false
}
