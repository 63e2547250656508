package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/copydesk/copydesk/internal/align"
	"github.com/copydesk/copydesk/internal/article"
	"github.com/copydesk/copydesk/internal/cluster"
	"github.com/copydesk/copydesk/internal/index"
	"github.com/copydesk/copydesk/internal/pipeline"
	"github.com/copydesk/copydesk/internal/report"
)

// Check limits.
const (
	// maxCheckArticles is the most articles one check takes (a .jsonl
	// upload); more are refused, not truncated.
	maxCheckArticles = 50
	// maxCheckMatches is how many related indexed articles a checked
	// article shows, strongest first, each with its side-by-side diff.
	maxCheckMatches = 10
)

// checkView is the Check page: the form and, after a post, what each
// checked article relates to.
type checkView struct {
	Text     string        `json:"-"`
	Title    string        `json:"-"`
	Outlet   string        `json:"-"`
	Checked  bool          `json:"-"`
	Articles []checkedView `json:"articles"`
	// Added lists the ids added to the index (AllowAdd and the add box).
	Added []string `json:"added"`
}

func (v *checkView) title() string { return "copydesk: check a text" }

// checkedView is one checked article and what it relates to.
type checkedView struct {
	ID      string      `json:"id"`
	Title   string      `json:"title"`
	Matches []matchView `json:"matches"`
}

// matchView is an indexed article the checked one relates to.
type matchView struct {
	relView
	Passages []passageView   `json:"passage_offsets"`
	Diff     report.DiffView `json:"-"`
}

// checkForm is the empty Check page.
func (s *Server) checkForm(http.ResponseWriter, *http.Request, index.Store) (any, error) {
	return &checkView{Articles: []checkedView{}}, nil
}

// check checks the posted articles against the index (and adds them when
// allowed and asked).
func (s *Server) check(_ http.ResponseWriter, r *http.Request, st index.Store) (any, error) {
	v := &checkView{Checked: true, Articles: []checkedView{}, Added: []string{}}
	arts, add, err := s.checkInput(r, v)
	if err != nil {
		return nil, err
	}
	if add && !s.cfg.AllowAdd {
		return nil, &httpError{http.StatusForbidden, "this server does not add articles (start it with --allow-add)"}
	}
	res, err := index.Check(r.Context(), st, arts, index.Options{DF: &s.df})
	if err != nil {
		return nil, err
	}
	byID := map[string]*article.Article{}
	for i := range arts {
		byID[arts[i].ID] = &arts[i]
	}
	for i := range arts {
		cv, err := s.matches(r, st, &arts[i], res.Pairs, byID)
		if err != nil {
			return nil, err
		}
		v.Articles = append(v.Articles, cv)
	}
	if add {
		s.wmu.Lock()
		res, err := index.Add(r.Context(), s.writer, arts, index.Options{})
		s.wmu.Unlock()
		if err != nil {
			return nil, err
		}
		v.Added = append(v.Added, res.Added...)
	}
	return v, nil
}

// matches lays out what one checked article relates to in the index:
// the strongest maxCheckMatches relations, each aligned for its shared
// passages and, on the HTML page, drawn side by side.
func (s *Server) matches(r *http.Request, st index.Store, a *article.Article, pairs []index.Relation, batch map[string]*article.Article) (checkedView, error) {
	cv := checkedView{ID: a.ID, Title: a.Title, Matches: []matchView{}}
	var rels []index.Relation
	var ids []string
	for _, p := range pairs {
		other := p.B
		if p.B == a.ID {
			other = p.A
		} else if p.A != a.ID {
			continue
		}
		if p.Pair.Relation < cluster.Story || batch[other] != nil {
			continue
		}
		rels, ids = append(rels, p), append(ids, other)
		if len(rels) == maxCheckMatches {
			break
		}
	}
	found, err := index.Articles(r.Context(), st, ids)
	if err != nil {
		return cv, err
	}
	byID := map[string]*article.Article{}
	for i := range found {
		byID[found[i].ID] = &found[i]
	}
	doc := align.NewDoc(pipeline.Text(a))
	for k, p := range rels {
		o := byID[ids[k]]
		if o == nil {
			continue // removed meanwhile
		}
		this, that := p.Pair.AInB, p.Pair.BInA
		if p.B == a.ID {
			this, that = that, this
		}
		od := align.NewDoc(pipeline.Text(o))
		res := align.Verify(doc, od)
		m := matchView{relView: relView{ID: o.ID, Outlet: o.Outlet, Title: o.Title, Relation: p.Pair.Relation.String(),
			ThisInThat: round3(this), ThatInThis: round3(that), Similarity: round3(p.Pair.Similarity), Passages: p.Pair.Passages, Quotes: p.Pair.Quotes},
			Passages: []passageView{}}
		for _, ps := range res.Passages {
			m.Passages = append(m.Passages, passageView{With: o.ID, Offset: ps.A.Offset, EndOffset: ps.A.EndOffset,
				OtherOffset: ps.B.Offset, OtherEndOffset: ps.B.EndOffset, Quote: ps.Quote, Words: ps.A.Words()})
		}
		if !isAPI(r) { // the side-by-side diff is the HTML page's alone
			m.Diff = *report.NewDiffPage(a, o, doc, od, p.Pair.Relation, &res).Diff
			m.Diff.Similarity = round3(p.Pair.Similarity)
		}
		cv.Matches = append(cv.Matches, m)
	}
	return cv, nil
}

// isAPI reports whether r asks for JSON (a /api/ route).
func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// checkInput reads the articles to check: the form's text or file
// (.txt, .html, .jsonl), or an API body (text, JSON or JSON lines by
// Content-Type); and whether to add them.
func (s *Server) checkInput(r *http.Request, v *checkView) ([]article.Article, bool, error) {
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	var arts []article.Article
	var err error
	add := false
	switch ct {
	case "application/x-www-form-urlencoded", "multipart/form-data":
		if err := r.ParseMultipartForm(s.cfg.MaxBytes); err != nil && !errors.Is(err, http.ErrNotMultipart) {
			return nil, false, bodyError(err)
		}
		v.Text, v.Title, v.Outlet = r.PostFormValue("text"), r.PostFormValue("title"), r.PostFormValue("outlet")
		add = r.PostFormValue("add") != ""
		if f, h, ferr := r.FormFile("file"); ferr == nil {
			defer f.Close()
			data, err := io.ReadAll(f)
			if err != nil {
				return nil, false, bodyError(err)
			}
			arts, err = parseUpload(h.Filename, data)
		} else if strings.TrimSpace(v.Text) != "" {
			var a article.Article
			a, err = pasted(v.Title, v.Text)
			a.Outlet = strings.TrimSpace(v.Outlet)
			arts = []article.Article{a}
		} else {
			return nil, false, badRequest("paste a text or choose a file to check")
		}
	default:
		data, rerr := io.ReadAll(r.Body)
		if rerr != nil {
			return nil, false, bodyError(rerr)
		}
		add = r.URL.Query().Get("add") != ""
		switch ct {
		case "application/json":
			var a article.Article
			a, err = article.ParseJSONLine(data)
			arts = []article.Article{a}
		case "application/x-ndjson", "application/jsonl":
			arts, err = parseUpload("upload.jsonl", data)
		default:
			var a article.Article
			a, err = pasted("", string(data))
			arts = []article.Article{a}
		}
	}
	if err != nil {
		return nil, false, badRequest("%v", err)
	}
	if len(arts) > maxCheckArticles {
		return nil, false, badRequest("%d articles: a check takes at most %d", len(arts), maxCheckArticles)
	}
	return arts, add, nil
}

// bodyError keeps an over-size body's error (a 413) and makes any other
// reading error a bad request.
func bodyError(err error) error {
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return err
	}
	return badRequest("the request body could not be read")
}

// pasted reads a pasted text as the loaders read a .txt file (its first
// line the headline), under the headline given if any; a text of one
// paragraph without a headline is all body.
func pasted(title, text string) (article.Article, error) {
	id := pastedID(title + "\n" + text)
	if title = strings.TrimSpace(title); title != "" {
		text = title + "\n\n" + text
	}
	a, err := article.ParseText(id, text)
	if err != nil && title == "" && strings.TrimSpace(text) != "" {
		if b, berr := article.ParseText(id, "\n\n"+text); berr == nil && b.Body != "" {
			return b, nil
		}
		return article.Article{ID: id, Body: strings.TrimSpace(text)}, nil
	}
	return a, err
}

// pastedID names a pasted text by its content.
func pastedID(text string) string {
	sum := sha256.Sum256([]byte(text))
	return "pasted-" + hex.EncodeToString(sum[:6])
}

// parseUpload reads an uploaded file by its extension, as the loaders
// read files.
func parseUpload(name string, data []byte) ([]article.Article, error) {
	id := path.Base(strings.ReplaceAll(name, "\\", "/"))
	switch strings.ToLower(path.Ext(id)) {
	case ".html", ".htm":
		a, err := article.ParseHTML(id, string(data))
		return []article.Article{a}, err
	case ".jsonl":
		var arts []article.Article
		sc := bufio.NewScanner(bytes.NewReader(data))
		sc.Buffer(nil, len(data)+1)
		for n := 1; sc.Scan(); n++ {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			a, err := article.ParseJSONLine(sc.Bytes())
			if err != nil {
				return nil, fmt.Errorf("%s: line %d: %w", id, n, err)
			}
			if arts = append(arts, a); len(arts) > maxCheckArticles {
				break
			}
		}
		return arts, sc.Err()
	case ".txt", "":
		a, err := article.ParseText(id, string(data))
		return []article.Article{a}, err
	}
	return nil, fmt.Errorf("%s: not a .txt, .html or .jsonl file", id)
}
