package admin

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"time"

	"github.com/baton-hq/baton/internal/eventlog"
	"github.com/baton-hq/baton/internal/httpx"
	"github.com/baton-hq/baton/internal/lambdahttp"
	"github.com/baton-hq/baton/internal/privacy"
)

// partBytes bounds one part's items as the file writes them (indented).
// On AWS the answer must fit Lambda's 6 MB response payload (API Gateway's
// HTTP API takes 10 MB, a Function URL Lambda's 6): lambdahttp sends this
// UTF-8 JSON as a JSON string, where every quote, backslash and line break
// of it is escaped, at most twice its size (a binary body would be base64,
// 4/3). A third of the payload leaves the part, the header (the person,
// their browsers, the counts) and its escapes well within it. A person's
// whole history was one answer: a long one failed (a bare 502/500) where
// the law asks for their data.
const partBytes = lambdahttp.MaxPayload / 3

// itemKey is where an item is in the file's order, and a part's cursor:
// kinds by name, each kind's items in the order they happened (untimed
// after), ties by the item's id (an event's messageId: a key, so an event
// flagged between two reads keeps its place), or else by a hash of its
// content. Never an offset: an item arriving or going between two parts'
// reads moves no other across the cursor.
type itemKey struct {
	Kind string    `json:"k"`
	At   time.Time `json:"t,omitzero"`
	ID   string    `json:"i"`
}

func (a itemKey) less(b itemKey) bool {
	switch {
	case a.Kind != b.Kind:
		return a.Kind < b.Kind
	case a.At.IsZero() != b.At.IsZero():
		return !a.At.IsZero()
	case !a.At.Equal(b.At):
		return a.At.Before(b.At)
	}
	return a.ID < b.ID
}

func (a itemKey) same(b itemKey) bool { return !a.less(b) && !b.less(a) }

// keyed is one item of the file with its place and its written size.
type keyed struct {
	key  itemKey
	doc  json.RawMessage
	size int
}

type keyedItems []keyed

// keyOf places an item; received is an event's receivedAt (zero for other
// kinds).
func keyOf(kind string, doc json.RawMessage) (k itemKey, received time.Time) {
	k.Kind = kind
	var m map[string]json.RawMessage
	if json.Unmarshal(doc, &m) == nil {
		k.At = timeIn(m, itemTimes...).UTC()
		if kind == eventlog.KindEvent {
			received = timeIn(m, "receivedAt")
		}
		var id string
		if json.Unmarshal(m["id"], &id) == nil && id != "" {
			k.ID = "i:" + id
			return k, received
		}
	}
	sum := sha256.Sum256(doc)
	k.ID = "h:" + hex.EncodeToString(sum[:12])
	return k, received
}

// snapshot is the file as of asOf, in its order: what every part of one
// disclosure is cut from. An event received after asOf (the first part's
// time) is left for the next disclosure, so the parts add up to the first
// part's counts however many events arrive while they are read.
func snapshot(items privacy.Disclosure, asOf time.Time) keyedItems {
	var all keyedItems
	var b bytes.Buffer
	for kind, docs := range items {
		for _, doc := range docs {
			k, received := keyOf(kind, doc)
			if received.After(asOf) {
				continue
			}
			b.Reset()
			// As the file indents it (items, kind, element: six spaces),
			// with its separator.
			if json.Indent(&b, doc, "      ", "  ") != nil {
				b.Write(doc)
			}
			all = append(all, keyed{key: k, doc: doc, size: b.Len() + 8})
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].key.less(all[j].key) })
	return all
}

// counts are all parts' items by kind.
func (all keyedItems) counts() map[string]int {
	c := map[string]int{}
	for _, it := range all {
		c[it.key.Kind]++
	}
	return c
}

// part is the cursor's part: the items after From, up to To when it says
// (a part listed beforehand), else as many as partBytes holds (one at
// least, and never a cut between two items of one key: the cursor would
// skip the second). next is where the next part starts; nil after the last.
func (all keyedItems) part(cur partCursor) (part keyedItems, next *itemKey) {
	i := 0
	if cur.From != nil {
		i = sort.Search(len(all), func(i int) bool { return cur.From.less(all[i].key) })
	}
	if cur.To != nil {
		end := max(i, sort.Search(len(all), func(j int) bool { return cur.To.less(all[j].key) }))
		if end < len(all) {
			next = cur.To
		}
		return all[i:end], next
	}
	j, size := i, 0
	for ; j < len(all); j++ {
		if j > i && size+all[j].size > partBytes && !all[j].key.same(all[j-1].key) {
			break
		}
		size += all[j].size
	}
	if j < len(all) {
		next = &all[j-1].key
	}
	return all[i:j], next
}

// partCursor says which part of which disclosure is asked: the first
// part's time (the snapshot's), the part's number, the key of the previous
// part's last item (From; none for the first part) and, for a part listed
// beforehand (the workspace's list of parts), its own last item's (To).
type partCursor struct {
	AsOf time.Time `json:"a"`
	Part int       `json:"p"`
	From *itemKey  `json:"f,omitempty"`
	To   *itemKey  `json:"t,omitempty"`
}

func (c partCursor) String() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

const badPartCursor = "cursor must be the next value of a previous part of this disclosure"

func parsePartCursor(s string) (partCursor, bool) {
	var c partCursor
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 2048 {
		return c, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if dec.Decode(&c) != nil || dec.More() || c.AsOf.IsZero() || c.Part < 1 || c.Part > 1_000_000 || (c.Part > 1) != (c.From != nil) {
		return partCursor{}, false
	}
	for _, k := range []*itemKey{c.From, c.To} {
		if k != nil && (k.Kind == "" || k.ID == "") {
			return partCursor{}, false
		}
	}
	if c.From != nil && c.To != nil && !c.From.less(*c.To) {
		return partCursor{}, false
	}
	return c, true
}

// partFrom reads the request's cursor (none: the first part, as of now);
// a bad one is answered with a 400 (ok false).
func partFrom(w http.ResponseWriter, r *http.Request) (partCursor, bool) {
	// Given twice, every admin route refuses it before (filters.go).
	v := r.URL.Query().Get("cursor")
	if v == "" {
		return partCursor{}, true
	}
	c, ok := parsePartCursor(v)
	if !ok {
		httpx.JSON(w, http.StatusBadRequest, httpx.ErrorBody{Error: badPartCursor, Field: "cursor"})
	}
	return c, ok
}

// disclosurePartsView lists a disclosure's parts for the workspace.
type disclosurePartsView struct {
	ID    string
	AsOf  time.Time
	Items int
	Parts []disclosurePartLink
}

type disclosurePartLink struct {
	No, Items int
	URL       string
}

// disclosureParts (GET /admin/people/{id}/disclosure/parts) is what the
// person's page links to: the file itself when it is one part, else a page
// listing every part, in order, each a download of its own (the pages run
// no script to join them). Each link
// names its part's first and last item, so the parts listed together are
// the file as of this page, each item once, whatever is added meanwhile.
func (h *Handler) disclosureParts(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	_, items, ok := h.gather(w, r, id)
	if !ok {
		return
	}
	asOf := h.wsNow().UTC()
	all := snapshot(items, asOf)
	v := disclosurePartsView{ID: id, AsOf: asOf, Items: len(all)}
	cur := partCursor{AsOf: asOf, Part: 1}
	for {
		part, next := all.part(cur)
		v.Parts = append(v.Parts, disclosurePartLink{No: cur.Part, Items: len(part)})
		if next == nil {
			break
		}
		cur = partCursor{AsOf: asOf, Part: cur.Part + 1, From: next}
	}
	if len(v.Parts) == 1 {
		// The file is one part, as it is for most: the person's page's
		// link downloads it (read again: the page read nothing out).
		// Not http.Redirect: it makes the path absolute without the base
		// path Baton may be served under.
		w.Header().Set("Location", h.cookiePath(r)+"/people/"+url.PathEscape(id)+"/disclosure")
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	for i := range v.Parts {
		p := &v.Parts[i]
		p.URL = "../disclosure"
		c := partCursor{AsOf: asOf, Part: p.No}
		if i > 0 {
			c.From = lastKey(all, v.Parts[:i])
		}
		if i < len(v.Parts)-1 {
			c.To = lastKey(all, v.Parts[:i+1])
		}
		p.URL += "?cursor=" + url.QueryEscape(c.String())
	}
	h.render(w, r, http.StatusOK, "disclosure", "Their data", "../../../", "people", v)
}

// lastKey is the key of the last item of parts, the first parts of all.
func lastKey(all keyedItems, parts []disclosurePartLink) *itemKey {
	n := 0
	for _, p := range parts {
		n += p.Items
	}
	return &all[n-1].key
}
