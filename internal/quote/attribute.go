package quote

// head is what a speaker phrase comes down to: a named mention, a
// pronoun, or an office ("the spokesman", "a senior official").
type head struct {
	kind    headKind
	mention int    // index into mentions, for named
	as      string // the words as written
	role    string // the office, for roled
	def     bool   // definite ("the spokesman"), so it can be resolved
}

type headKind int

const (
	noHead headKind = iota
	named
	pronoun
	roled
)

// attributor holds what attribution reads of one text.
type attributor struct {
	text  string
	ws    []word
	ms    []mention
	byTok []int // mention index of each word, -1 when none
}

func newAttributor(text string, ws []word) *attributor {
	a := &attributor{text: text, ws: ws, ms: mentions(text, ws)}
	a.byTok = make([]int, len(ws))
	for i := range a.byTok {
		a.byTok[i] = -1
	}
	for k, m := range a.ms {
		for i := m.from; i < m.to; i++ {
			a.byTok[i] = k
		}
	}
	// Subjects of speech verbs are speakers, quoted or not ("Kerry said
	// the cessation of hostilities had been put to the test").
	for i, w := range ws {
		if speechVerbs[w.norm] && !w.quoted {
			if h := a.before(0, i); h.kind == named {
				a.ms[h.mention].speaker = true
			}
		}
	}
	return a
}

// clause returns the words of the clause that ends just before word end
// and starts no earlier than word lo: back to the previous clause break.
func (a *attributor) clause(lo, end int) (int, int) {
	s := end
	for s > lo && !a.ws[s].brk {
		s--
	}
	if s < lo {
		s = lo
	}
	return s, end
}

// before finds the subject of a verb at word v from the clauses before it
// (no earlier than word lo): "Toner said", "The United States State
// Department spokesman, Mark Toner, on Monday said", "De Mistura, whose two
// predecessors quit, has said", "Nadim Houry, HRW's deputy Middle East
// director, said".
func (a *attributor) before(lo, v int) head {
	end := v
	for tries := 0; tries < 4 && end > lo; tries++ {
		s, e := a.clause(lo, end-1)
		h, skip := a.clauseHead(s, e)
		if !skip {
			if h.kind == roled && s > lo {
				// An appositive: "NAME, HRW's deputy director, said".
				ps, pe := a.clause(lo, s-1)
				if p, _ := a.clauseHead(ps, pe); p.kind == named {
					return p
				}
			}
			return h
		}
		end = s
	}
	return head{}
}

// after finds the speaker named right after a verb at word v, up to the
// next clause break: "said Toner", "according to the Britain-based
// Observatory".
//
// The phrase ends at its first preposition outside a name ("said Dr Anna
// Mazzoli of the University of Bologna": Anna Mazzoli), and an office is
// completed by a name in the clause right after it ("said the mayor of
// Cesena, Enzo Lattuca": Enzo Lattuca).
func (a *attributor) after(v int) head {
	e := v + 1
	for e < len(a.ws) && !a.ws[e].brk && !a.ws[e].quoted {
		e++
	}
	if e == v+1 {
		return head{}
	}
	pe := e
	for k := v + 2; k < e; k++ {
		if prepositions[a.ws[k].norm] && a.byTok[k] < 0 {
			pe = k
			break
		}
	}
	h, _ := a.clauseHead(v+1, pe-1)
	if h.kind == roled && e < len(a.ws) && !a.ws[e].quoted {
		n := e + 1
		for n < len(a.ws) && !a.ws[n].brk && !a.ws[n].quoted {
			n++
		}
		if p, _ := a.clauseHead(e, n-1); p.kind == named && a.ms[p.mention].from == e {
			return p
		}
	}
	return h
}

// clauseHead reads the head of the noun phrase that ends a clause, words
// [s, e]. skip says the clause holds no subject and the one before should
// be read: empty after dropping fillers and time phrases, or a relative
// clause.
func (a *attributor) clauseHead(s, e int) (head, bool) {
	ws := a.ws
	if s > e || s < 0 || e >= len(ws) {
		return head{}, true
	}
	if relatives[ws[s].norm] {
		return head{}, true
	}
	for e >= s {
		w := ws[e]
		if w.quoted {
			return head{}, false
		}
		if fillers[w.norm] || timeWords[w.norm] || prepositions[w.norm] && e+1 < len(ws) && timeWords[ws[e+1].norm] {
			e--
			continue
		}
		break
	}
	for e >= s && prepositions[ws[e].norm] {
		e--
	}
	if e < s {
		return head{}, true
	}
	w := ws[e]
	if pronouns[w.norm] {
		return head{kind: pronoun, as: a.text[w.Start:w.End]}, false
	}
	if k := a.byTok[e]; k >= 0 && !w.poss {
		m := a.ms[k]
		if m.from > s && prepositions[ws[m.from-1].norm] {
			// "a senior official in Washington": the name is an object;
			// read the phrase before the preposition.
			return a.clauseHead(s, m.from-2)
		}
		if m.from < s {
			return head{}, false
		}
		start := m.name
		if start > e {
			start = m.from
		}
		return head{kind: named, mention: k, as: a.text[ws[start].Start:w.End]}, false
	}
	if roleNouns[w.norm] {
		// The phrase from its determiner: "the spokesman", "a senior
		// official", "HRW's deputy Middle East director".
		d := e
		for d > s && !determiners[ws[d].norm] {
			d--
		}
		return head{kind: roled, as: a.text[ws[d].Start:w.End], role: role(w.norm), def: definite[ws[d].norm]}, false
	}
	return head{}, false
}
