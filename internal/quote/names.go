package quote

import (
	"slices"
	"strings"
)

// mention is a run of name words: "Mark Toner", "Syrian Observatory for
// Human Rights", "de Mistura".
type mention struct {
	from, to int      // words [from, to) of the whole run, titles included
	name     int      // first word of the name proper, after titles
	key      []string // normalised words of the name proper, particles dropped
	display  string   // the name as printed, titles dropped
	roles    []string // offices the text gives this mention
	org      bool     // an organisation, not a person
	speaker  bool     // subject of a speech verb somewhere
	quoted   bool     // inside a quotation
}

// mentions finds the name runs of a text. A run is a sequence of name
// words joined by spaces or hyphens, with particles ("de", "al") before a
// name word and connectors ("of", "for") between two. Titles at its start
// ("Foreign Minister", "Secretary of State") are kept as roles, not name.
func mentions(text string, ws []word) []mention {
	// Single-word names that stand alone somewhere: places and groups
	// that may prefix a person's name ("UN Envoy on Syria Staffan de
	// Mistura").
	var out []mention
	for i := 0; i < len(ws); {
		if !startsName(ws, i) {
			i++
			continue
		}
		j := i + 1
		for j < len(ws) && !ws[j-1].poss && joined(text, ws[j-1], ws[j]) {
			if nameWord(ws[j]) || (particles[ws[j].norm] || connectors[ws[j].norm]) && j+1 < len(ws) && nameWord(ws[j+1]) && joined(text, ws[j], ws[j+1]) {
				j++
				continue
			}
			break
		}
		// Trailing connectors or particles are not part of the name.
		for j > i+1 && (connectors[ws[j-1].norm] || particles[ws[j-1].norm] && !ws[j-1].cap) {
			j--
		}
		m := newMention(text, ws, i, j)
		m.roles = append(m.roles, rolesAround(ws, i, j)...)
		out = append(out, m)
		i = j
	}
	standalone := make(map[string]bool)
	for _, m := range out {
		if len(m.key) == 1 {
			standalone[m.key[0]] = true
		}
	}
	for k := range out {
		m := &out[k]
		// Drop place names before a personal name while two words remain.
		for !m.org && len(m.key) > 2 && standalone[ws[m.name].norm] && !particles[ws[m.name].norm] && !connectors[ws[m.name+1].norm] {
			m.name++
			*m = newMentionAt(text, ws, m.from, m.to, m.name, m.roles)
		}
	}
	return out
}

// startsName reports whether a name run starts at word i.
func startsName(ws []word, i int) bool {
	if nameWord(ws[i]) {
		return true
	}
	// "de Mistura", "al-Assad": a particle before a name word.
	return particles[ws[i].norm] && i+1 < len(ws) && nameWord(ws[i+1]) && !ws[i+1].brk
}

// joined reports whether two words are joined by spaces or a hyphen only.
func joined(text string, a, b word) bool {
	if b.brk || a.quoted != b.quoted {
		return false
	}
	gap := text[a.End:b.Start]
	return strings.Trim(gap, " \t-‐‑") == "" && !strings.Contains(gap, "\n")
}

func newMention(text string, ws []word, from, to int) mention {
	// Titles at the start: keep the last title word and everything before
	// it out of the name, as long as a name word remains.
	name := from
	var roles []string
	for k := from; k < to-1; k++ {
		if titles[ws[k].norm] || connectors[ws[k].norm] && name == k && k > from {
			if roleNouns[ws[k].norm] {
				roles = append(roles, role(ws[k].norm))
			}
			name = k + 1
			if cyrillicTitles[ws[k].norm] && k+3 < to {
				// "Мэр Москвы Сергей Собянин": the word after a Russian
				// office is its complement (a genitive), not the name.
				name = k + 2
				k++
			}
		}
	}
	return newMentionAt(text, ws, from, to, name, roles)
}

func newMentionAt(text string, ws []word, from, to, name int, roles []string) mention {
	m := mention{from: from, to: to, name: name, roles: roles, quoted: ws[from].quoted}
	for k := name; k < to; k++ {
		if !particles[ws[k].norm] || k == to-1 {
			m.key = append(m.key, ws[k].norm)
		}
		if orgWords[ws[k].norm] {
			m.org = true
		}
	}
	m.display = text[ws[name].Start:ws[to-1].End]
	if ws[to-1].poss {
		m.display = strings.TrimSuffix(strings.TrimSuffix(m.display, "s"), "’")
		m.display = strings.TrimSuffix(m.display, "'")
	}
	return m
}

// variant reports whether name a is a shorter form of b (or the same):
// a's words, particles dropped, end b's ("Toner" of "Mark Toner", "De
// Mistura" of "Staffan de Mistura"), or a is one organisation word of b
// ("Observatory" of "Syrian Observatory for Human Rights").
func variant(a, b []string) bool {
	if len(a) == 0 || len(a) > len(b) {
		return false
	}
	if slices.Equal(a, b[len(b)-len(a):]) {
		return true
	}
	return len(a) == 1 && orgWords[a[0]] && slices.Contains(b, a[0]) && len(b) > 1
}

// person reports whether m names a person: a name of two words or more,
// or a speaker, or a shorter form of a person named elsewhere, and not an
// organisation.
// cands are the mentions that may be longer forms of m.
func person(m *mention, all []mention, cands []int) bool {
	if m.org {
		return false
	}
	if len(m.key) >= 2 || m.speaker {
		return true
	}
	for _, k := range cands {
		o := &all[k]
		if len(o.key) >= 2 && !o.org && variant(m.key, o.key) {
			return true
		}
	}
	return false
}

// appositiveWords is how far from a name an office in the clause beside
// it may stand: "The UN special envoy to Syria, Staffan de Mistura" (3),
// "Nadim Houry, HRW's deputy Middle East director" (5).
const appositiveWords = 5

// rolesAround returns the offices the text gives the name at words
// [from, to): role nouns just before it in its clause ("US spokesman John
// Kirby") and, when the name is a clause of its own, in the clauses either
// side ("The UN special envoy to Syria, Staffan de Mistura, said", "Nadim
// Houry, HRW's deputy Middle East director, said").
func rolesAround(ws []word, from, to int) []string {
	var roles []string
	add := func(k int) {
		if roleNouns[ws[k].norm] && !ws[k].quoted {
			roles = append(roles, role(ws[k].norm))
		}
	}
	for k := from - 1; k >= 0 && k >= from-3 && !ws[k+1].brk; k-- {
		add(k)
	}
	if !ws[from].brk || to < len(ws) && !ws[to].brk {
		return roles
	}
	// The last words of the clause before, the first of the clause after.
	for k := from - 1; k >= 0 && k >= from-appositiveWords; k-- {
		add(k)
		if ws[k].brk {
			break
		}
	}
	for k := to; k < len(ws) && k < to+appositiveWords; k++ {
		if k > to && ws[k].brk {
			break
		}
		add(k)
	}
	return roles
}
