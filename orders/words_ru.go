package orders

import (
	"strings"
)

var (
	ruOnesM  = []string{"", "один", "два", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	ruOnesF  = []string{"", "одна", "две", "три", "четыре", "пять", "шесть", "семь", "восемь", "девять"}
	ruTeens  = []string{"десять", "одиннадцать", "двенадцать", "тринадцать", "четырнадцать", "пятнадцать", "шестнадцать", "семнадцать", "восемнадцать", "девятнадцать"}
	ruTens   = []string{"", "", "двадцать", "тридцать", "сорок", "пятьдесят", "шестьдесят", "семьдесят", "восемьдесят", "девяносто"}
	ruHundrs = []string{"", "сто", "двести", "триста", "четыреста", "пятьсот", "шестьсот", "семьсот", "восемьсот", "девятьсот"}
	// ruScales: the word forms for 1, 2–4 and 5+ of each power of a
	// thousand, and whether the word is feminine (тысяча is).
	ruScales = []struct {
		forms    [3]string
		feminine bool
	}{
		{[3]string{"", "", ""}, false},
		{[3]string{"тысяча", "тысячи", "тысяч"}, true},
		{[3]string{"миллион", "миллиона", "миллионов"}, false},
		{[3]string{"миллиард", "миллиарда", "миллиардов"}, false},
		{[3]string{"триллион", "триллиона", "триллионов"}, false},
		{[3]string{"квадриллион", "квадриллиона", "квадриллионов"}, false},
		{[3]string{"квинтиллион", "квинтиллиона", "квинтиллионов"}, false},
	}
)

// RuPlural picks the Russian form for n: one (1, 21, 101…), few (2–4,
// 22–24…) or many (0, 5–20, 25…).
func RuPlural(n int64, one, few, many string) string {
	n %= 100
	if n >= 11 && n <= 14 {
		return many
	}
	switch n % 10 {
	case 1:
		return one
	case 2, 3, 4:
		return few
	}
	return many
}

// RuNumber writes n ≥ 0 in Russian words, in the feminine for a feminine
// noun ("одна тысяча", "две копейки").
func RuNumber(n int64, feminine bool) string {
	if n == 0 {
		return "ноль"
	}
	var groups []int64
	for v := n; v > 0; v /= 1000 {
		groups = append(groups, v%1000)
	}
	var words []string
	for i := len(groups) - 1; i >= 0; i-- {
		g := groups[i]
		if g == 0 {
			continue
		}
		fem := ruScales[i].feminine || (i == 0 && feminine)
		words = append(words, ruTriple(g, fem)...)
		if i > 0 {
			f := ruScales[i].forms
			words = append(words, RuPlural(g, f[0], f[1], f[2]))
		}
	}
	return strings.Join(words, " ")
}

func ruTriple(g int64, feminine bool) []string {
	var w []string
	if h := g / 100; h > 0 {
		w = append(w, ruHundrs[h])
	}
	t, o := (g%100)/10, g%10
	switch {
	case t == 1:
		w = append(w, ruTeens[o])
		return w
	case t > 1:
		w = append(w, ruTens[t])
	}
	if o > 0 {
		if feminine {
			w = append(w, ruOnesF[o])
		} else {
			w = append(w, ruOnesM[o])
		}
	}
	return w
}

// ruMoney names a currency's major and minor units in Russian: the forms
// for one, few and many, and whether the noun is feminine.
var ruMoney = map[string]struct {
	major, minor [3]string
	majorF       bool
	minorF       bool
}{
	"RUB": {[3]string{"рубль", "рубля", "рублей"}, [3]string{"копейка", "копейки", "копеек"}, false, true},
	"EUR": {[3]string{"евро", "евро", "евро"}, [3]string{"цент", "цента", "центов"}, false, false},
	"USD": {[3]string{"доллар", "доллара", "долларов"}, [3]string{"цент", "цента", "центов"}, false, false},
}

// AmountInWordsRU writes an amount as Russian invoices do: the whole units
// in words with the currency's noun, the minor units in figures:
// 124000 RUB -> "Одна тысяча двести сорок рублей 00 копеек". ok is false
// for a currency it has no Russian nouns for.
func AmountInWordsRU(minor int64, cur Currency) (string, bool) {
	m, ok := ruMoney[cur.Code]
	if !ok || cur.Digits != 2 || minor < 0 {
		return "", false
	}
	major, rest := minor/100, minor%100
	s := RuNumber(major, m.majorF) + " " + RuPlural(major, m.major[0], m.major[1], m.major[2])
	s += " " + twoDigits(rest) + " " + RuPlural(rest, m.minor[0], m.minor[1], m.minor[2])
	r := []rune(s)
	return strings.ToUpper(string(r[0])) + string(r[1:]), true
}

func twoDigits(n int64) string {
	return string([]byte{byte('0' + n/10), byte('0' + n%10)})
}
