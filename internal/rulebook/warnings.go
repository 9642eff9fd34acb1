package rulebook

import (
	"fmt"
	"strings"

	"github.com/baton-hq/baton/internal/identity"
	"gopkg.in/yaml.v3"
)

// Warning is what a rules file does that is most likely a mistake but may
// be meant, so the file loads: make check prints it and the workspace's
// rules page shows it, with the file, line and field as a ParseError's.
type Warning struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (w Warning) String() string {
	return fmt.Sprintf("%s:%d: %s: %s", w.File, w.Line, w.Field, w.Msg)
}

func (p *parser) warn(n *yaml.Node, field, format string, a ...any) {
	line := 0
	if n != nil {
		line = n.Line
	}
	p.warnings = append(p.warnings, Warning{File: p.file, Line: line, Field: field, Msg: fmt.Sprintf(format, a...)})
}

// likelyAttribute is the attribute Baton names that an unknown name most
// likely means, "" when none: one within a typo of it (two for a name
// longer than five letters), case aside (employes, titel, industy), or the
// attribute a form's label so worded is stored as (会社規模 is
// employees). Such a name is taken, as a custom form field's may be named
// anything, but a rule on it scores nobody unless a form sends a field of
// that very name.
func likelyAttribute(name string) string {
	if name == "email_domain" || identity.KnownAttribute(name) {
		return ""
	}
	k := strings.ToLower(name)
	limit := 1
	if len([]rune(k)) > 5 {
		limit = 2
	}
	best, bestD, tie := "", limit+1, false
	for _, a := range append(identity.AttributeNames(), "email_domain") {
		switch d := typoDistance(k, a); {
		case d < bestD:
			best, bestD, tie = a, d, false
		case d == bestD:
			tie = true
		}
	}
	if best != "" && !tie {
		return best
	}
	if to := identity.LabelAttribute(name, nil); to != "" && to != name && identity.KnownAttribute(to) {
		return to
	}
	return ""
}

// warnAttribute warns of an attribute (a fit rule's, a BANT fact's field)
// Baton does not name but likely means another it does.
func (p *parser) warnAttribute(n *yaml.Node, field, name string) {
	if to := likelyAttribute(name); to != "" {
		p.warn(n, field, "%q is none of Baton's attributes: did you mean %s? As written it is read as a custom form field's name, and matches only people whose form sent a field so named", name, to)
	}
}

// typoDistance is the edits between two strings, by rune, two letters
// swapped (titel, title) counting one, as the other edits do.
func typoDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}
