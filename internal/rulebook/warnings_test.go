package rulebook

import (
	"strings"
	"testing"
)

// TestMisspeltAttributeWarned: a fit rule's attribute (or a BANT fact's
// field) one edit from an attribute Baton names (employes, titel), or a
// label's wording of one (会社規模), loaded without a word: read as a
// custom form field's name, it matched nobody, and only the lab, against
// stored people, said so. The file still loads (a custom field may be
// named anything), with a warning naming the line, the field and the
// attribute meant, for make check and the rules page. A custom field's
// name near none, and Baton's own names, give none.
func TestMisspeltAttributeWarned(t *testing.T) {
	r, err := Parse("rules.yaml", []byte(`fit:
  rules:
    - {name: big, attribute: employes, min: 250, points: 20}
    - {name: exec, attribute: titel, match: "*部長*", points: 30}
    - {name: size, attribute: 会社規模, match: "*大*", points: 5}
    - {name: seminar, attribute: seminar_interest, in: [yes], points: 5}
    - {name: jp, attribute: country, in: [JP], points: 5}
    - {name: ours, attribute: email_domain, in: [acme.example], points: 5}
bant:
  budget: {field: budjet}
  need: {field: need}
mql: [{name: x, min_bant: 1}]
`))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range r.Warnings {
		got = append(got, w.String())
	}
	want := []string{
		`rules.yaml:3: fit.rules[0].attribute: "employes" is none of Baton's attributes: did you mean employees? As written it is read as a custom form field's name, and matches only people whose form sent a field so named`,
		`rules.yaml:4: fit.rules[1].attribute: "titel" is none of Baton's attributes: did you mean title?`,
		`rules.yaml:5: fit.rules[2].attribute: "会社規模" is none of Baton's attributes: did you mean employees?`,
		`rules.yaml:10: bant.budget.field: "budjet" is none of Baton's attributes: did you mean budget?`,
	}
	if len(got) != len(want) {
		t.Fatalf("warnings:\n%s\nwant %d", strings.Join(got, "\n"), len(want))
	}
	for i := range want {
		if !strings.HasPrefix(got[i], want[i]) {
			t.Errorf("warning %d:\n\t%s\nwant\n\t%s", i, got[i], want[i])
		}
	}
	if r, err := Parse("rules.yaml", []byte("behaviour: [{name: v, type: page_view, points: 1}]\nmql: [{name: x, min_behaviour: 1}]\n")); err != nil || r.Warnings != nil {
		t.Errorf("%v %v", err, r.Warnings)
	}
}
