package align

import (
	"context"
	"math"
	"testing"
)

// A brief retold from a wire story takes most of its words from it,
// reworded, while the wire takes little from the brief; the measures are
// mirrored when the pair is verified the other way round.
func TestDeriveOneWay(t *testing.T) {
	wire := NewDoc(`The River Lune burst its banks early on Tuesday after two days of torrential rain, flooding about 340 homes in the town of Kelderby, officials said.

Emergency crews used boats to reach residents trapped on upper floors along Mill Street, where the water rose to more than 1.2 metres overnight.

The Environment Office said 62 millimetres of rain fell on the Lune valley in 36 hours, nearly twice the March average.

The regional council opened two rest centres and said 120 people had spent the night there. The railway line to Ashcombe was closed.`)
	brief := NewDoc(`About 340 homes in Kelderby were flooded on Tuesday when the River Lune burst its banks after two days of heavy rain.

Some 62 millimetres of rain fell across the Lune valley in 36 hours, close to twice the usual March total.`)
	res := Verify(brief, wire)
	if err := Derive(context.Background(), brief, wire, &res); err != nil {
		t.Fatal(err)
	}
	b, w := res.A, res.B
	if b.Words != len(brief.Tokens) || w.Words != len(wire.Tokens) {
		t.Fatalf("words %d %d, want %d %d", b.Words, w.Words, len(brief.Tokens), len(wire.Tokens))
	}
	if b.Taken() < 0.6 || w.Taken() > 0.5 {
		t.Errorf("brief takes %.2f of its words from the wire, the wire %.2f from the brief: want most and little", b.Taken(), w.Taken())
	}
	if b.Numbers != 1 || b.Names < 0.8 || b.Vocab <= w.Vocab || b.Grams3 <= w.Grams3 {
		t.Errorf("brief %+v\nwire %+v", b, w)
	}
	back := Verify(wire, brief)
	if err := Derive(context.Background(), wire, brief, &back); err != nil {
		t.Fatal(err)
	}
	if back.A != w || back.B != b {
		t.Errorf("not mirrored:\n%+v\n%+v", back.A, back.B)
	}
	for _, s := range []Side{b, w} {
		for _, v := range []float64{s.Copy, s.Quote, s.Reworded, s.Sentences, s.Best, s.Grams3, s.Grams5, s.Vocab, s.Names, s.Numbers} {
			if v < 0 || v > 1 || math.IsNaN(v) {
				t.Fatalf("a share out of [0, 1]: %+v", s)
			}
		}
	}
}

// A text against itself takes all of itself.
func TestDeriveSelf(t *testing.T) {
	a := NewDoc("Storm floods homes in the river town overnight.")
	var res Result
	if err := Derive(context.Background(), a, a, &res); err != nil || res.A.Grams5 != 1 || res.A.Vocab != 1 {
		t.Errorf("a text against itself: %+v %v", res.A, err)
	}
}
