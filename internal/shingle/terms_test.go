package shingle

import "testing"

func termCount(terms []Term, h uint64) int32 {
	for _, t := range terms {
		if t.Hash == h {
			return t.Count
		}
	}
	return 0
}

func TestTermsNameFeatures(t *testing.T) {
	text := "Actress Tara Reid entered rehab in Malibu on June 13, 2013.\nRehab is costly. \"Reid is fine,\" said Jack Ketsoyan. THE END of rehab"
	terms := Terms(text, Tokens(text))
	for _, c := range []struct {
		word string
		name int32 // name-feature count wanted
	}{
		{"tara", nameWeight - 1}, {"reid", nameWeight - 1}, // the second Reid opens a quoted sentence
		{"malibu", nameWeight - 1}, {"2013", nameWeight - 1}, {"13", nameWeight - 1}, {"ketsoyan", nameWeight - 1},
		{"actress", 0}, // opens the text
		{"rehab", 0},   // opens a line and a sentence, else lower case
		{"end", 0},     // all capitals
	} {
		if got := termCount(terms, NameFeature(HashWord(c.word))); got != c.name {
			t.Errorf("%s: name feature counted %d times, want %d", c.word, got, c.name)
		}
	}
	if got := termCount(terms, HashWord("reid")); got != 2 {
		t.Errorf("reid counted %d times as a word, want 2", got)
	}
	bigram := mix(NameFeature(HashWord("tara"))*31 ^ NameFeature(HashWord("reid")))
	if termCount(terms, bigram) != 1 {
		t.Error("no feature for the adjacent names Tara Reid")
	}
	// A different Reid shares the name but not the full name.
	other := "Actress Kim Reid left rehab."
	if termCount(Terms(other, Tokens(other)), bigram) != 0 {
		t.Error("Kim Reid shares the Tara Reid feature")
	}
}

func TestTermsCaselessScript(t *testing.T) {
	text := "قال المتحدث إن 270 شخصا قتلوا"
	terms := Terms(text, Tokens(text))
	if termCount(terms, NameFeature(HashWord("270"))) != nameWeight-1 {
		t.Error("a figure in Arabic text is not a name feature")
	}
	if termCount(terms, NameFeature(HashWord("المتحدث"))) != 0 {
		t.Error("an Arabic word (no case) counted as a name")
	}
}
