package eval

// # METER
//
// The METER corpus (Gaizauskas et al. 2001; Clough, Gaizauskas, Piao &
// Wilks 2002) holds Press Association (PA) copy of 1999-2000, court and
// showbiz stories, and the national newspaper articles written from the
// same stories, each labelled by how much of it is derived from the PA
// copy: wholly, partially or non derived. Its licence is for research only,
// so copydesk ships none of it; LoadMeter reads a clone of a repository
// that holds it (the corpus folder is t/meter-corpus/ of the clone, or the
// folder given when it is the corpus itself):
//
//	file_index/{courts,showbiz}/{wholly,partially,non}_derived.txt
//	    the labels, one newspaper file a line
//	    (meter_corpus/newspapers/rawtexts/courts/01.03.00/STORY/FILE.txt)
//	PA/rawtexts/DOMAIN/DATE/STORY/*.txt
//	    the PA pages of that story
//	newspapers/rawtexts/DOMAIN/DATE/STORY/*.txt
//	    the newspaper articles, plain text
//
// Each story's PA pages (its first take and the updates that follow)
// become one article, the agency copy, and each labelled newspaper article
// is paired with it: one gold pair per newspaper article, as Clough et al.
// score the corpus. A labelled story with no PA folder is left out and
// counted.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/copydesk/copydesk/internal/article"
)

// MeterSet is the METER corpus as articles and labelled pairs.
type MeterSet struct {
	Articles []article.Article // the PA copy of each story, then the newspaper articles
	Pairs    []MeterPair       // one per labelled newspaper article
	// NoSource counts labelled newspaper articles whose story has no PA
	// copy in the corpus (left out).
	NoSource int
}

// MeterPair is one labelled pair: a newspaper article and its story's PA
// copy, the label one of wholly, partially, non.
type MeterPair struct {
	GoldPair        // A: the PA copy, B: the newspaper article
	Domain   string // courts or showbiz
	Story    string // DOMAIN/DATE/STORY
}

// meterDomains are METER's two domains; meterLabels its label files.
var (
	meterDomains = []string{"courts", "showbiz"}
	meterLabels  = []string{"wholly", "partially", "non"}
)

// LoadMeter reads the corpus under dir (a clone of a repository holding it
// under t/meter-corpus/, or the corpus folder itself).
func LoadMeter(dir string) (*MeterSet, error) {
	root := filepath.Join(dir, "t", "meter-corpus")
	if _, err := os.Stat(filepath.Join(root, "file_index")); err != nil {
		root = dir
		if _, err := os.Stat(filepath.Join(root, "file_index")); err != nil {
			return nil, fmt.Errorf("%s: no METER corpus here (want t/meter-corpus/file_index or file_index)", dir)
		}
	}
	set := &MeterSet{}
	pa := make(map[string]bool) // stories whose PA copy is in set.Articles
	for _, domain := range meterDomains {
		for _, label := range meterLabels {
			name := filepath.Join(root, "file_index", domain, label+"_derived.txt")
			data, err := os.ReadFile(name)
			if err != nil {
				return nil, err
			}
			for _, line := range strings.Fields(string(data)) {
				if err := set.add(root, domain, label, line, pa); err != nil {
					return nil, fmt.Errorf("%s: %w", name, err)
				}
			}
		}
	}
	if len(set.Pairs) == 0 {
		return nil, fmt.Errorf("%s: no labelled METER articles", dir)
	}
	return set, nil
}

// add reads one labelled newspaper article (its path as the label file
// gives it) and, the first time its story is seen, the story's PA copy.
func (s *MeterSet) add(root, domain, label, line string, pa map[string]bool) error {
	rel := line[strings.Index(line, "newspapers/"):]
	if !strings.HasPrefix(rel, "newspapers/rawtexts/"+domain+"/") {
		return fmt.Errorf("%q is not a newspaper article of %s", line, domain)
	}
	story := filepath.Dir(strings.TrimPrefix(rel, "newspapers/rawtexts/"))
	if !pa[story] {
		text, err := readPA(filepath.Join(root, "PA", "rawtexts", story))
		if err != nil {
			return err
		}
		if text == "" {
			s.NoSource++
			return nil
		}
		pa[story] = true
		s.Articles = append(s.Articles, article.Article{ID: "PA/" + story, Outlet: "PA", Body: text})
	}
	body, err := os.ReadFile(filepath.Join(root, rel))
	if err != nil {
		return err
	}
	outlet := strings.TrimSuffix(filepath.Base(rel), ".txt")
	outlet = outlet[strings.LastIndexByte(outlet, '_')+1:]
	s.Articles = append(s.Articles, article.Article{ID: rel, Outlet: outlet, Body: paragraphs(string(body))})
	s.Pairs = append(s.Pairs, MeterPair{GoldPair: GoldPair{A: "PA/" + story, B: rel, Relation: label}, Domain: domain, Story: story})
	return nil
}

// readPA joins the PA pages of one story, in name order; "" when the
// story has none.
func readPA(dir string) (string, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil || len(names) == 0 {
		return "", err
	}
	slices.Sort(names)
	var pages []string
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return "", err
		}
		pages = append(pages, cleanPA(data))
	}
	return strings.Join(pages, "\n\n"), nil
}

var (
	dashLine  = regexp.MustCompile(`^\s*-{20,}\s*$`)
	paControl = regexp.MustCompile("[\x00-\x08\x0b-\x1f\x7f]")
	blankLine = regexp.MustCompile(`\n\s*\n`)
)

// cleanPA turns one PA page into plain paragraphs: the wire header (the
// slug and time between dashed rules) is dropped, a line ending in "<"
// ends a paragraph, control characters go, the typewriter quotes “…”
// become straight ones and "#" (the wire's pound sign) becomes "£".
func cleanPA(data []byte) string {
	lines := strings.Split(string(bytes.ReplaceAll(data, []byte("\r"), nil)), "\n")
	start := 0
	for i, l := range lines[:min(len(lines), 12)] {
		if dashLine.MatchString(l) {
			start = i + 1
		}
	}
	var b strings.Builder
	for _, l := range lines[start:] {
		l = strings.TrimSpace(paControl.ReplaceAllString(l, ""))
		end := strings.HasSuffix(l, "<")
		l = strings.TrimSuffix(l, "<")
		b.WriteString(l)
		if end || l == "" {
			b.WriteString("\n\n")
		} else {
			b.WriteByte(' ')
		}
	}
	r := strings.NewReplacer("``", `"`, "''", `"`, "#", "£")
	return paragraphs(r.Replace(b.String()))
}

// paragraphs normalises blank-line-separated text: each paragraph on one
// line, paragraphs separated by one blank line.
func paragraphs(s string) string {
	var out []string
	for _, p := range blankLine.Split(s, -1) {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return strings.Join(out, "\n\n")
}

// Binary collapses METER three-way scores to derived (wholly or partially)
// against non derived, the binary task of Clough et al. 2002.
func Binary(s RelationScores) RelationScores {
	idx := map[string]int{"non": 0, "partially": 1, "wholly": 1}
	conf := [][]int{{0, 0}, {0, 0}}
	for g, row := range s.Confusion {
		for p, n := range row {
			conf[idx[s.Classes[g].Class]][idx[s.Classes[p].Class]] += n
		}
	}
	return scoresOf([]string{"non", "derived"}, conf)
}
