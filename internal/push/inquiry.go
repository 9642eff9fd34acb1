package push

import (
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/baton-hq/baton/internal/event"
	"github.com/baton-hq/baton/internal/identity"
	"github.com/baton-hq/baton/internal/jatext"
	"github.com/baton-hq/baton/internal/textcut"
)

// FormValue is one value of a form, as the visitor read it: the field's
// label on the page (else the attribute's name in the lead's language),
// and what they typed.
type FormValue struct {
	Label string `json:"label"`
	Value string `json:"value"`
}

// Bounds of the form's values a summary quotes: the inquiry (message)
// stays whole, these are the rest of the form, each one line.
const (
	maxFormValues     = 20
	maxFormLabelBytes = 100
	maxFormValueBytes = 1000
	// maxInquiryBytes bounds the inquiry as the person's attribute does
	// (identity keeps 2,000 Japanese characters of it).
	maxInquiryBytes = 6000
)

// sfaTaken are the attributes an SFA has fields for (the connectors'
// default mappings: Salesforce's Lead and HubSpot's contact alike), the
// person's key and the inquiry, which Summary quotes on its own: the
// form's other values are said in the summary, or no one in sales sees
// them.
var sfaTaken = map[string]bool{
	"name": true, "first_name": true, "last_name": true, "email": true, "message": true,
	"company": true, "title": true, "phone": true, "industry": true, "country": true,
	"city": true, "region": true, "website": true,
}

// PersonURL is the person's page in Baton's workspace under base (where
// browsers reach Baton, its base path included): the admin's person path
// (GET /admin/people/{id}). "" without a base.
func PersonURL(base, person string) string {
	base = strings.TrimSuffix(strings.TrimSpace(base), "/")
	if base == "" || person == "" {
		return ""
	}
	return base + "/admin/people/" + url.PathEscape(person)
}

// formValues are the values of the form ev that no SFA field takes
// (sfaTaken), read as identity reads them into attributes (extra: the
// site's form_fields), each labelled by the label the visitor read
// (else the attribute's name in lang), sorted by label, at most
// maxFormValues.
func formValues(ev event.Event, extra identity.FieldNames, lang string) []FormValue {
	fields, labels := ev.Attributes(), ev.Labels()
	known, custom := identity.SplitLabelled(fields, labels, extra)
	raws := make([]string, 0, len(fields))
	for raw := range fields {
		raws = append(raws, raw)
	}
	sort.Strings(raws)
	// The field each value came from, read alone as the form was: its
	// label is the visitor's word for it.
	labelOf := map[string]string{}
	for _, raw := range raws {
		if labels[raw] == "" {
			continue
		}
		kn, cu := identity.SplitLabelled(map[string]string{raw: fields[raw]}, labels, extra)
		for k := range kn {
			if _, seen := labelOf["attr:"+k]; !seen && kn[k] == known[k] {
				labelOf["attr:"+k] = labels[raw]
			}
		}
		for k := range cu {
			if _, seen := labelOf["custom:"+k]; !seen {
				labelOf["custom:"+k] = labels[raw]
			}
		}
	}
	var out []FormValue
	for k, v := range known {
		if !sfaTaken[k] {
			out = append(out, FormValue{Label: cmpOr(labelOf["attr:"+k], jatext.Name(lang, "attr:"+k)), Value: v})
		}
	}
	for k, v := range custom {
		// A builder's hidden fields (_wpcf7, _token) and the campaign's
		// parameters a page copies into its form are no answer of the
		// visitor's.
		if strings.HasPrefix(k, "_") || strings.HasPrefix(strings.ToLower(k), "utm_") {
			continue
		}
		out = append(out, FormValue{Label: cmpOr(labelOf["custom:"+k], k), Value: v})
	}
	for i := range out {
		out[i].Label = textcut.Bytes(oneLine(out[i].Label), maxFormLabelBytes)
		out[i].Value = textcut.Bytes(oneLine(out[i].Value), maxFormValueBytes)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Label != out[j].Label {
			return out[i].Label < out[j].Label
		}
		return out[i].Value < out[j].Value
	})
	if len(out) > maxFormValues {
		out = out[:maxFormValues]
	}
	return out
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// oneLine is s on one line: its line breaks spaces, without control
// characters, trimmed.
func oneLine(s string) string {
	return strings.TrimSpace(textcut.Controls(strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ", "\t", " ").Replace(s)))
}

// inquiryWords are a language's words for what the summary quotes of the
// person: the link to their page, their inquiry, the form's other values.
type inquiryWords struct {
	page, message, values, value string
}

var (
	inquiryEN = inquiryWords{page: "Person in Baton (journey, score explained): %s\n", message: activityEN.message,
		values: "Other values of the form:\n", value: "%s: %s\n"}
	inquiryJA = inquiryWords{page: "Baton の人物ページ（行動の履歴とスコアの内訳）：%s\n", message: activityJA.message,
		values: "フォームのその他の入力：\n", value: "%s：%s\n"}
)

// writeInquiry writes the link to the person's page in Baton, then what
// they typed: the inquiry (their message attribute, as the re-inquiry's
// text quotes it) and the latest form's values no SFA field takes. It
// comes before the touches and the activity, so that an SFA field too
// short for the whole summary cuts the activity, not the person's words.
// What the person typed is marked as the summary marks any URL not on the
// team's sites (event.Unlinked); Baton's own link is written as it is, a
// link.
func (l Lead) writeInquiry(b *strings.Builder, w summaryWords) {
	iw := inquiryEN
	if l.Lang == "ja" {
		iw = inquiryJA
	}
	if l.PersonURL != "" {
		fmt.Fprintf(b, iw.page, l.PersonURL)
	}
	if m := strings.TrimSpace(textcut.Controls(strings.NewReplacer("\r\n", "\n", "\r", "\n").Replace(l.Attributes["message"]))); m != "" {
		b.WriteString(iw.message + event.Unlinked(textcut.Bytes(m, maxInquiryBytes), l.Sites, w.offsite) + "\n")
	}
	if len(l.FormValues) > 0 {
		b.WriteString(iw.values)
		for _, v := range l.FormValues {
			fmt.Fprintf(b, iw.value, event.Unlinked(v.Label, l.Sites, w.offsite), event.Unlinked(v.Value, l.Sites, w.offsite))
		}
	}
}
