package eval

import (
	"math/rand/v2"
	"testing"
)

// Fit recovers three classes laid out along one feature, weighs rare
// classes up, and gives the same weights each time.
func TestFit(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var x [][]float64
	var y []int
	for n := range 600 {
		c := 0
		switch {
		case n%10 == 0:
			c = 2 // rare
		case n%3 == 0:
			c = 1
		}
		x = append(x, []float64{float64(c)/2 + r.NormFloat64()*0.08, r.Float64()})
		y = append(y, c)
	}
	m, err := Fit(x, y, 3)
	if err != nil {
		t.Fatal(err)
	}
	right := [3]int{}
	total := [3]int{}
	for k := range x {
		total[y[k]]++
		if m.Predict(x[k]) == y[k] {
			right[y[k]]++
		}
	}
	for c := range right {
		if float64(right[c]) < 0.95*float64(total[c]) {
			t.Errorf("class %d: %d of %d right", c, right[c], total[c])
		}
	}
	again, _ := Fit(x, y, 3)
	for c := range m.W {
		for f := range m.W[c] {
			if m.W[c][f] != again.W[c][f] {
				t.Fatal("two fits differ")
			}
		}
	}
	if _, err := Fit(nil, nil, 3); err == nil {
		t.Error("a fit of nothing gave no error")
	}
}
