package framing

import (
	"strings"

	"github.com/copydesk/copydesk/internal/shingle"
)

// numberTable is one language's number words: words that stand for a
// count ("four", "четыре") and scale words that multiply the number before
// them ("40 billion", "40 миллиардов", "2,5 Millionen"). Inflected forms a
// count takes are listed with the others (Russian: "четырёх", "тысяч",
// "миллиардов", and the abbreviations "тыс", "млн", "млрд").
type numberTable struct {
	words  string // "word value word value ..."
	scales string // the same for scale words
	// units measure rather than count (days, per cent); a unit ends the
	// counted words ("три месяца раньше" counts months) and never counts
	// deaths.
	units string
}

// numberTables are the languages whose number words framing reads, in one
// place. "one" and its kin are left out in every language (an article, a
// pronoun: "one of the victims"), and so are words that are also common
// words in English or another language the tables cover: Italian "due"
// (due to), "sei" (German "be") and "otto" (a first name), French "sept"
// (Sept.), "cent" (per cent) and "neuf" (new), German "elf" and "Billion"
// (10^12 in German, 10^9 in English: the English reading wins).
var numberTables = map[string]numberTable{
	"en": {
		words: "two 2 three 3 four 4 five 5 six 6 seven 7 eight 8 nine 9 ten 10 eleven 11 twelve 12 " +
			"fifteen 15 twenty 20 thirty 30 forty 40 fifty 50 hundred 100 thousand 1000 dozen 12",
		scales: "hundred 100 thousand 1000 million 1e6 billion 1e9",
		units: "hours hour days day weeks week months month years year percent km kilometres kilometers " +
			"miles mile minutes minute",
	},
	"ru": {
		words: "два 2 две 2 двух 2 три 3 трёх 3 трех 3 четыре 4 четырёх 4 четырех 4 пять 5 пяти 5 " +
			"шесть 6 шести 6 семь 7 семи 7 восемь 8 восьми 8 девять 9 девяти 9 десять 10 десяти 10 " +
			"одиннадцать 11 двенадцать 12 пятнадцать 15 двадцать 20 двадцати 20 тридцать 30 тридцати 30 " +
			"сорок 40 сорока 40 пятьдесят 50 пятидесяти 50 сто 100 ста 100",
		scales: "тысяча 1000 тысячи 1000 тысяч 1000 тыс 1000 миллион 1e6 миллиона 1e6 миллионов 1e6 млн 1e6 " +
			"миллиард 1e9 миллиарда 1e9 миллиардов 1e9 млрд 1e9",
		units: "час часа часов день дня дней неделю недели недель месяц месяца месяцев год года лет " +
			"минут минуты процент процента процентов км километров",
	},
	"de": {
		words: "zwei 2 drei 3 vier 4 fünf 5 sechs 6 sieben 7 acht 8 neun 9 zehn 10 zwölf 12 " +
			"zwanzig 20 dreißig 30 vierzig 40 fünfzig 50 hundert 100 tausend 1000",
		scales: "tausend 1000 million 1e6 millionen 1e6 milliarde 1e9 milliarden 1e9 mio 1e6 mrd 1e9",
		units:  "stunden tage tagen wochen monate monaten jahre jahren minuten prozent kilometer",
	},
	"fr": {
		words: "deux 2 trois 3 quatre 4 cinq 5 huit 8 dix 10 douze 12 quinze 15 " +
			"vingt 20 trente 30 quarante 40 cinquante 50 mille 1000",
		scales: "mille 1000 millions 1e6 milliard 1e9 milliards 1e9",
		units:  "heures jours semaines mois ans années minutes kilomètres",
	},
	"it": {
		words: "tre 3 quattro 4 cinque 5 sette 7 nove 9 dieci 10 dodici 12 quindici 15 " +
			"venti 20 trenta 30 quaranta 40 cinquanta 50 cento 100 mille 1000",
		scales: "mila 1000 milione 1e6 milioni 1e6 miliardo 1e9 miliardi 1e9",
		units:  "ore giorni settimane mesi anni minuti chilometri",
	},
	"es": {
		words: "dos 2 tres 3 cuatro 4 cinco 5 seis 6 siete 7 ocho 8 nueve 9 diez 10 doce 12 quince 15 " +
			"veinte 20 treinta 30 cuarenta 40 cincuenta 50 cien 100 mil 1000",
		scales: "mil 1000 millón 1e6 millones 1e6",
		units:  "horas días semanas meses años minutos kilómetros",
	},
}

// numberWords, scales and unitNouns are numberTables merged, keyed by the
// normalised word (shingle.Normalize) that numbersIn compares with.
var numberWords, scales, unitNouns = mergeNumberTables()

func mergeNumberTables() (words, scales map[string]float64, units map[string]bool) {
	words, scales, units = make(map[string]float64), make(map[string]float64), make(map[string]bool)
	for _, t := range numberTables {
		readPairs(t.words, words)
		readPairs(t.scales, scales)
		for _, u := range strings.Fields(t.units) {
			units[shingle.Normalize(u)] = true
		}
	}
	return words, scales, units
}

// readPairs reads "word value word value ..." into m.
func readPairs(s string, m map[string]float64) {
	f := strings.Fields(s)
	for i := 0; i+1 < len(f); i += 2 {
		m[shingle.Normalize(f[i])] = mustFloat(f[i+1])
	}
}
