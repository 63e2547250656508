package shingle

import (
	"slices"
	"testing"
)

// Names are capitalised words that do not open a sentence, numbers start
// with a digit of any script; a caseless script has numbers only.
func TestFacts(t *testing.T) {
	for _, c := range []struct {
		text           string
		names, numbers []string
	}{
		{"The mayor Helen Okafor said 340 homes flooded in Kelderby.", []string{"Helen", "Okafor", "Kelderby"}, []string{"340"}},
		{"Мэр Елена Окафор сказала, что затоплено 340 домов.", []string{"Елена", "Окафор"}, []string{"340"}},
		{"فاضت المياه على ٣٤٠ منزلا", nil, []string{"٣٤٠"}},
	} {
		toks := Tokens(c.text)
		names, numbers := Facts(c.text, toks)
		if !slices.Equal(names, hashes(c.names)) || !slices.Equal(numbers, hashes(c.numbers)) {
			t.Errorf("%q: %d names, %d numbers; want %v %v", c.text, len(names), len(numbers), c.names, c.numbers)
		}
	}
}

func hashes(ws []string) []uint64 {
	var out []uint64
	for _, w := range ws {
		out = append(out, HashWord(w))
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// Grams at N are Shingles.
func TestGramsAtN(t *testing.T) {
	toks := Tokens("one two three four five six seven")
	if !slices.Equal(Grams(toks, N), Shingles(toks)) || len(Grams(toks, 3)) != 5 || Grams(toks, 8) != nil {
		t.Error("Grams disagrees with Shingles or miscounts")
	}
}
