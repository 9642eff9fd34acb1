package privacy

import (
	"bytes"
	"context"
	"encoding/json"
	"unicode/utf8"

	"github.com/baton-hq/baton/internal/table"
)

// Disclosure is what Baton keeps of a person, by item kind (as Removed
// counts them): each entry one item's content as JSON, decoded by the
// package that owns it. It answers a person's request to see their data
// (個人情報保護法 第33条 開示請求; GDPR Art. 15).
type Disclosure map[string][]json.RawMessage

// Add adds one item's content under kind.
func (d Disclosure) Add(kind string, doc json.RawMessage) {
	if kind == "" {
		kind = "other"
	}
	d[kind] = append(d[kind], doc)
}

// AddValue adds v, encoded as JSON, under kind.
func (d Disclosure) AddValue(kind string, v any) error {
	doc, err := readable(v)
	if err != nil {
		return err
	}
	d.Add(kind, doc)
	return nil
}

// Merge adds o's entries.
func (d Disclosure) Merge(o Disclosure) {
	for k, docs := range o {
		for _, doc := range docs {
			d.Add(k, doc)
		}
	}
}

// Counts is how many entries each kind has: what an erasure would remove
// (Removed), kind for kind.
func (d Disclosure) Counts() Removed {
	r := Removed{}
	for k, docs := range d {
		r.Add(k, len(docs))
	}
	return r
}

// Discloser shows one package's data about a person: exactly what its
// Forget would remove or rewrite, kind for kind (the erasure suite
// compares the two). It reads only.
type Discloser interface {
	Disclose(ctx context.Context, s Subject) (Disclosure, error)
}

// Keeper is a package that keeps data about people: it shows it on
// request and forgets it on erasure. The Eraser takes only Keepers, so a
// package cannot be erasable without being disclosable.
type Keeper interface {
	Forgetter
	Discloser
}

// Decoder turns one stored item into what a person can read; nil: the
// item's data as it is stored (JSON; other bytes as a string).
type Decoder func(it table.Item) (any, error)

// ShowItems is the disclosure of items as DeleteItems would delete them:
// each under its kind, decoded.
func ShowItems(items []table.Item, decode Decoder) (Disclosure, error) {
	d := Disclosure{}
	for _, it := range items {
		doc, err := show(it, decode)
		if err != nil {
			return d, err
		}
		d.Add(it.Kind, doc)
	}
	return d, nil
}

// ShowQuery is the disclosure of the items DeleteQuery (ForgetQuery) would
// remove with the same query and match.
func ShowQuery(ctx context.Context, t table.Table, q table.Query, match func(table.Item) bool, decode Decoder) (Disclosure, error) {
	d := Disclosure{}
	q.Limit, q.Consistent, q.Reverse = 200, true, false
	for {
		items, err := t.Query(ctx, q)
		if err != nil || len(items) == 0 {
			return d, err
		}
		var show []table.Item
		for _, it := range items {
			if match == nil || match(it) {
				show = append(show, it)
			}
		}
		n, err := ShowItems(show, decode)
		d.Merge(n)
		if err != nil {
			return d, err
		}
		q.After = items[len(items)-1].SK
	}
}

func show(it table.Item, decode Decoder) (json.RawMessage, error) {
	if decode != nil {
		v, err := decode(it)
		if err != nil {
			return nil, err
		}
		return readable(v)
	}
	if json.Valid(it.Data) {
		// Decoded and encoded again: a stored & or < was escaped (\u0026).
		dec := json.NewDecoder(bytes.NewReader(it.Data))
		dec.UseNumber()
		var v any
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		return readable(v)
	}
	s := string(it.Data)
	if !utf8.ValidString(s) {
		s = string([]rune(s)) // invalid bytes as U+FFFD
	}
	return readable(s)
}

// readable is v as JSON a person reads: & < > as they are.
func readable(v any) (json.RawMessage, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(b.Bytes(), "\n"), nil
}
