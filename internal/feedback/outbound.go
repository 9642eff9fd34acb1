package feedback

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/baton-hq/baton/internal/httpx"
)

// Salesforce Outbound Messages: a workflow rule's or a Flow's "Outbound
// Message" action sends the record's chosen fields as a SOAP 1.1
// notifications() call (up to 100 Notification elements, each a
// Notification Id and the sObject), and sends it again, for up to 24
// hours, until the answer is a notificationsResponse with <Ack>true</Ack>.
// They are received at POST /feedback/salesforce/outbound?token=<token>:
// a message can carry no header of Baton's choosing nor a signature, so
// its URL holds the secret (BATON_SALESFORCE_OUTBOUND_TOKEN, compared in
// constant time, before the body is read), and its OrganizationId must be
// the configured org's (feedback.salesforce_org_id).

// The namespaces of an Outbound Message (the outbound messaging WSDL).
const (
	soapEnvNS  = "http://schemas.xmlsoap.org/soap/envelope/"
	outboundNS = "http://soap.sforce.com/2005/09/outbound"
	xsiNS      = "http://www.w3.org/2001/XMLSchema-instance"
)

// Outbound is an Outbound Message as read: the org that sent it and a
// verdict for each of its notifications.
type Outbound struct {
	OrganizationID string
	ActionID       string // the outbound message action (04k...), for the logs
	Verdicts       []Verdict
}

type omEnvelope struct {
	XMLName xml.Name `xml:"http://schemas.xmlsoap.org/soap/envelope/ Envelope"`
	Body    struct {
		// A slice, to see a second element: one pointer took both, merged,
		// the last OrganizationId checked and every Notification read.
		Notifications []struct {
			OrganizationID string `xml:"http://soap.sforce.com/2005/09/outbound OrganizationId"`
			ActionID       string `xml:"http://soap.sforce.com/2005/09/outbound ActionId"`
			Notification   []struct {
				ID      string    `xml:"http://soap.sforce.com/2005/09/outbound Id"`
				SObject *omObject `xml:"http://soap.sforce.com/2005/09/outbound sObject"`
			} `xml:"http://soap.sforce.com/2005/09/outbound Notification"`
		} `xml:"http://soap.sforce.com/2005/09/outbound notifications"`
	} `xml:"http://schemas.xmlsoap.org/soap/envelope/ Body"`
}

// omObject is a Notification's sObject: its xsi:type (sf:Lead) and the
// fields chosen for the message, each an element of the sObject namespace.
type omObject struct {
	Type   string `xml:"http://www.w3.org/2001/XMLSchema-instance type,attr"`
	Fields []struct {
		XMLName xml.Name
		Value   string `xml:",chardata"`
	} `xml:",any"`
}

// maxNotifications is the WSDL's maxOccurs of Notification.
const maxNotifications = 100

// ParseOutbound reads a Salesforce Outbound Message into verdicts, as the
// Flow callout and CDC paths do: a Lead's Status is the
// outcome its statuses map gives, the person its key field (lead_key,
// "": Baton_Person_Id__c), Id or Email; an Opportunity's StageName (Closed
// Won, Closed Lost; other stages by IsWon and IsClosed) is the outcome and
// its Amount, CurrencyIsoCode and CloseDate the deal, for the person its
// field of the same name names. OwnerId is the owner and
// LastModifiedDate the time. Each verdict's delivery id is the
// Notification Id, which Salesforce keeps when it sends a message again.
//
// A message that is no Outbound Message is an error; a notification that
// cannot be read is a Refused verdict, the message's others still read.
func ParseOutbound(body []byte, statuses map[string]string, key string) (Outbound, error) {
	if statuses == nil {
		statuses = DefaultSalesforce
	}
	key = salesforceKey(key)
	var env omEnvelope
	dec := xml.NewDecoder(bytes.NewReader(body))
	// Entities are not expanded (encoding/xml knows only the five XML
	// ones and numeric references): a DTD's "billion laughs" is an error.
	if err := dec.Decode(&env); err != nil {
		return Outbound{}, fmt.Errorf("body must be a SOAP envelope with an Outbound Message: %v", err)
	}
	if len(env.Body.Notifications) == 0 {
		return Outbound{}, errors.New("the SOAP body holds no notifications element of " + outboundNS + " (not a Salesforce Outbound Message)")
	}
	if len(env.Body.Notifications) > 1 {
		return Outbound{}, fmt.Errorf("the SOAP body holds %d notifications elements: an Outbound Message has one", len(env.Body.Notifications))
	}
	n := &env.Body.Notifications[0]
	om := Outbound{OrganizationID: strings.TrimSpace(n.OrganizationID), ActionID: strings.TrimSpace(n.ActionID)}
	if om.OrganizationID == "" {
		return Outbound{}, errors.New("the Outbound Message has no OrganizationId")
	}
	if len(n.Notification) == 0 {
		return Outbound{}, errors.New("the Outbound Message has no Notification")
	}
	if len(n.Notification) > maxNotifications {
		return Outbound{}, fmt.Errorf("the Outbound Message has %d notifications; Salesforce sends at most %d", len(n.Notification), maxNotifications)
	}
	for i, note := range n.Notification {
		id := strings.TrimSpace(note.ID)
		if id == "" {
			om.Verdicts = append(om.Verdicts, Verdict{DeliveryID: "sfom-", Refused: fmt.Sprintf("Notification %d has no Id (deduplication)", i+1)})
			continue
		}
		om.Verdicts = append(om.Verdicts, outboundVerdict("sfom-"+id, note.SObject, statuses, key))
	}
	return om, nil
}

// outboundVerdict reads one notification's sObject.
func outboundVerdict(delivery string, o *omObject, statuses map[string]string, key string) Verdict {
	refuse := func(format string, a ...any) Verdict {
		return Verdict{DeliveryID: delivery, Refused: fmt.Sprintf(format, a...)}
	}
	if o == nil {
		return refuse("the notification has no sObject")
	}
	// xsi:type is a QName, sf:Lead: its local name is the object's.
	typ := o.Type[strings.LastIndexByte(o.Type, ':')+1:]
	fields := map[string]string{}
	for _, f := range o.Fields {
		if _, dup := fields[f.XMLName.Local]; !dup {
			fields[f.XMLName.Local] = strings.TrimSpace(f.Value) // xsi:nil="true" is an empty element
		}
	}
	record := fields["Id"]
	var at time.Time
	if s := fields["LastModifiedDate"]; s != "" {
		t, err := parseSFTime(s)
		if err != nil {
			return refuse("%s %s: LastModifiedDate: %v", typ, record, err)
		}
		at = t
	}
	_, hasPerson := fields[key]
	pid := fields[key]
	switch typ {
	case "Lead":
		if record+pid+fields["Email"] == "" {
			return refuse("the %s names nobody: its Id, Email or %s is required", typ, key)
		}
		status, ok := fields["Status"]
		if !ok {
			return Verdict{DeliveryID: delivery, Unread: fmt.Sprintf("the %s's message carries no Status: choose Status among the Outbound Message's fields", typ)}
		}
		out, ok := outcomeOf(statuses, status)
		unread := ""
		if !ok {
			unread = fmt.Sprintf("%s Status %q maps to no outcome (feedback.salesforce_status)", typ, status)
		}
		return Verdict{DeliveryID: delivery, PersonID: pid, ExternalID: record, Email: fields["Email"], Outcome: out, Owner: fields["OwnerId"], At: at, Unread: unread}
	case "Opportunity":
		if !hasPerson {
			return refuse("an Opportunity's message needs %s among its fields (map it from the Lead at conversion)", key)
		}
		if pid == "" {
			return Verdict{DeliveryID: delivery, Unread: "the Opportunity's " + key + " is empty: not a lead Baton delivered"}
		}
		var amount *float64
		if s := fields["Amount"]; s != "" {
			a, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return refuse("Opportunity %s: Amount %q is not a number", record, s)
			}
			amount = &a
		}
		stage := fields["StageName"]
		var flags [2]*bool // IsWon, IsClosed: every field chosen is sent, changed or not
		for i, name := range []string{"IsWon", "IsClosed"} {
			switch s := fields[name]; s {
			case "":
			case "true", "false":
				b := s == "true"
				flags[i] = &b
			default:
				return refuse("Opportunity %s: %s %q is not true or false", record, name, s)
			}
		}
		out, deal, err := opportunity(stageOutcome(stage, flags[0], flags[1], false), amount, fields["CurrencyIsoCode"], fields["CloseDate"], at)
		if err != nil {
			return refuse("Opportunity %s: %v", record, err)
		}
		if deal == nil && out == "" {
			return Verdict{DeliveryID: delivery, Unread: fmt.Sprintf("Opportunity %s: stage %q is no outcome, and the message carries no Amount, CurrencyIsoCode or CloseDate", record, stage)}
		}
		return Verdict{DeliveryID: delivery, PersonID: pid, ExternalID: record, Outcome: out, Owner: fields["OwnerId"], At: at, Deal: opportunityRef(deal, record, out, at)}
	default:
		// A Contact has no Lead Status (nor an Opportunity's stage): its
		// messages are acknowledged, and said.
		return Verdict{DeliveryID: delivery, Unread: fmt.Sprintf("a %q record is not read: Lead or Opportunity", o.Type)}
	}
}

// sameOrg reports whether two Salesforce organization ids are the same
// org: the 15-character form (Setup, Company Information), case-sensitive,
// and the 18-character one (the API's, an Outbound Message's), whose last
// three characters encode the case of the first 15 so that it compares
// case-insensitively, compare as the same id.
func sameOrg(a, b string) bool {
	a, b = salesforceID18(strings.TrimSpace(a)), salesforceID18(strings.TrimSpace(b))
	return len(a) == 18 && len(b) == 18 && strings.EqualFold(a, b)
}

// isSOAP reports whether a request is a SOAP call (an Outbound Message):
// Content-Type text/xml, or a SOAPAction header.
func isSOAP(r *http.Request) bool {
	if _, ok := r.Header["Soapaction"]; ok {
		return true
	}
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "text/xml"
}

// The acknowledgement Salesforce expects: anything else, or an HTTP error,
// and it sends the message again.
const outboundAck = `<?xml version="1.0" encoding="UTF-8"?>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><notificationsResponse xmlns="http://soap.sforce.com/2005/09/outbound"><Ack>true</Ack></notificationsResponse></soapenv:Body></soapenv:Envelope>
`

func writeSOAP(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/xml; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// soapFault answers a SOAP 1.1 Fault: faultcode Client for a 4xx (the
// message or its sender is wrong), Server otherwise. Salesforce shows the
// faultstring as the delivery's failure reason and sends the message again.
func soapFault(w http.ResponseWriter, status int, reason string) {
	code := "soapenv:Server"
	if status < 500 {
		code = "soapenv:Client"
	}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body><soapenv:Fault><faultcode>` + code + `</faultcode><faultstring>`)
	_ = xml.EscapeText(&b, []byte(reason))
	b.WriteString("</faultstring></soapenv:Fault></soapenv:Body></soapenv:Envelope>\n")
	writeSOAP(w, status, b.String())
}

// salesforceOutbound receives Outbound Messages: the token in the URL,
// then the message's org, then its notifications, each applied as the
// JSON paths' verdicts are. Acknowledged when every notification was
// taken (applied, or answered as the JSON paths answer 200: unknown
// person, duplicate, unmapped status, refused among others); a failure of
// Baton's store is a 503 fault, which Salesforce sends again.
func (h *Handler) salesforceOutbound(w http.ResponseWriter, r *http.Request) {
	unconfigured := func(set string) {
		h.Log.Error("feedback refused: Salesforce Outbound Messages are not configured (Salesforce sends the message again for 24 hours)", "source", "salesforce-outbound", "set", set)
		w.Header().Set("Retry-After", "300")
		soapFault(w, http.StatusServiceUnavailable, "Salesforce Outbound Messages are not configured on Baton: set "+set)
	}
	if h.SalesforceOutboundToken == "" {
		unconfigured("BATON_SALESFORCE_OUTBOUND_TOKEN")
		return
	}
	if h.SalesforceOrgID == "" {
		unconfigured("feedback.salesforce_org_id")
		return
	}
	if !same(r.URL.Query().Get("token"), h.SalesforceOutboundToken) {
		soapFault(w, http.StatusUnauthorized, "missing or wrong token: the endpoint URL must end ?token=<BATON_SALESFORCE_OUTBOUND_TOKEN>")
		return
	}
	body, status, err := httpx.ReadBody(w, r, maxBody)
	if err != nil {
		soapFault(w, status, err.Error())
		return
	}
	om, err := ParseOutbound(body, h.SalesforceStatus, h.SalesforceKey)
	if err != nil {
		soapFault(w, http.StatusBadRequest, err.Error())
		return
	}
	if !sameOrg(om.OrganizationID, h.SalesforceOrgID) {
		h.Log.Warn("feedback salesforce outbound: a message from another org refused (Salesforce sends it again for 24 hours, then drops it): check feedback.salesforce_org_id",
			"org", om.OrganizationID, "want", h.SalesforceOrgID, "action", om.ActionID)
		soapFault(w, http.StatusForbidden, "OrganizationId "+om.OrganizationID+" is not the org Baton is configured for (feedback.salesforce_org_id)")
		return
	}
	results, fail := h.applyAll(r.Context(), "salesforce", om.Verdicts)
	if fail != nil {
		if fail.Status == http.StatusServiceUnavailable {
			w.Header().Set("Retry-After", "10")
		}
		h.Log.Warn("feedback salesforce outbound: not acknowledged (Salesforce sends it again)", "status", fail.Status, "err", fail.Error, "action", om.ActionID)
		soapFault(w, fail.Status, fail.Error)
		return
	}
	// Salesforce keeps no answer but the Ack: what was not applied, and
	// why, is said here.
	for _, res := range results {
		if res.Ignored != "" && !res.Deal {
			h.Log.Info("feedback salesforce outbound: not applied", "delivery", res.DeliveryID, "why", res.Ignored, "action", om.ActionID)
		}
	}
	writeSOAP(w, http.StatusOK, outboundAck)
}
