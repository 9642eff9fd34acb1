package crmfake

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf16"

	"golang.org/x/text/unicode/norm"

	"github.com/baton-hq/baton/internal/clock"
)

// Salesforce fakes the OAuth token endpoints (the org's My Domain, its
// URL, and the generic login host, Login), sObject upserts by external id,
// updates and deletes by record id, and the SOQL queries the connector
// sends, with what the real org refuses: converted Leads, restricted
// picklists, State and Country picklists, duplicate rules, bodies on GET.
type Salesforce struct {
	base
	ClientID, ClientSecret string
	PublicKey              *rsa.PublicKey // for the JWT bearer flow
	// Audience is the only aud a JWT assertion may name: the generic login
	// host (https://test.salesforce.com for a sandbox), never the My Domain.
	Audience string
	// LeadKey is the external-id field on Lead (stored on the record too),
	// TaskKey the one on Task: upserts by any other field are 404 NOT_FOUND.
	LeadKey, TaskKey string
	Leads            map[string]map[string]any // external id (or "#"+Id for Leads without one) -> fields (+ Id)
	Tasks            map[string]map[string]any // Task external id -> fields
	// Accounts by external id (AccountKey, stored on the record too).
	Accounts   map[string]map[string]any
	AccountKey string
	// Contacts and Opportunities by record id.
	Contacts      map[string]map[string]any
	Opportunities map[string]map[string]any
	// Users (005...) and Groups (00G..., queues among them) by record id,
	// with their fields (Name, Email; Group: Name, Type): who owns records.
	Users, Groups map[string]map[string]any
	// Unreadable are sObjects the integration user cannot read (a profile
	// without access to them): a query of one is refused as Salesforce
	// does, 400 INVALID_TYPE.
	Unreadable map[string]bool
	// Hidden are fields the org lacks or the integration user has no
	// field-level access to, as "Object.Field" (Lead.Baton_Person_Id__c):
	// a URL by that external id is answered 404 NOT_FOUND "Provided
	// external ID field does not exist or is not accessible: <field>",
	// whatever the records, and a query selecting it 400 INVALID_FIELD
	// (No such column).
	Hidden map[string]bool
	// LeadFields, when set (OrgLeadFields), are the fields the org's Lead
	// has: a Lead written with any other (upserted by external id, PATCHed
	// by record id) is refused 400 INVALID_FIELD "No such column 'X' on
	// sobject of type Lead", and a read naming one (?fields=, SOQL) 400
	// INVALID_FIELD "No such column 'X' on entity 'Lead'", as Salesforce
	// refuses a field the org lacks or the integration user cannot see.
	// Names are compared ignoring case, as Salesforce's are. nil: any field
	// is taken.
	LeadFields map[string]bool
	// Picklists are restricted picklist fields of Lead and their values:
	// any other value is refused with INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST.
	Picklists map[string][]string
	// LeadStatuses are the org's Lead Status values (its LeadStatus
	// records, in their sort order), DefaultLeadStatus the one marked
	// default and ConvertedLeadStatus the one conversion sets: a new Lead
	// given no Status gets the default, as Salesforce does, and a Status
	// not among them is refused (INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST).
	// SOQL on LeadStatus reads them. Default: a new org's classic values.
	LeadStatuses                           []string
	DefaultLeadStatus, ConvertedLeadStatus string
	// TaskStatuses and TaskPriorities are the org's Task Status and
	// Priority values in their sort order (TaskStatus and TaskPriority
	// records), ClosedTaskStatuses those marked IsClosed and
	// HighTaskPriorities those marked IsHighPriority: a Task's Status or
	// Priority not among them is refused, as for a Lead's Status, and a
	// new Task given none gets the default (the first status;
	// DefaultTaskPriority). SOQL reads them. Default: a new org's values.
	TaskStatuses, ClosedTaskStatuses   []string
	TaskPriorities, HighTaskPriorities []string
	DefaultTaskPriority                string
	// StateCountryPicklists turns on State and Country picklists: CountryCode
	// and StateCode are restricted to CountryCodes / StateCodes, and the
	// Country and State text fields accept only their names.
	StateCountryPicklists bool
	// DuplicateRule refuses a new Lead whose Email an existing Lead or
	// Contact has, or whose LastName and Company a Lead has, and a new
	// Account, or an Account edited by record id, that matches another
	// Account (sameAccount: the Standard Account Duplicate Rule, active by
	// default) (DUPLICATES_DETECTED, naming every record matched, by Id
	// only, as without includeRecordDetails), unless the request carries
	// Sforce-Duplicate-Rule-Header: allowSave=true and the rule alerts
	// rather than blocks (DuplicateRuleBlocks): allowSave bypasses an
	// alert, never a block.
	DuplicateRule       bool
	DuplicateRuleBlocks bool
	// DuplicateRuleOnEdit (with DuplicateRule) sets the Lead rule's
	// Action On Edit too (its actionOnUpdate, "Actions to take when the
	// edits to a record cause it to become a duplicate record"): a Lead
	// edited (upserted by external id when it exists, or PATCHed by record
	// id) so that it matches another Lead or Contact is refused as a new
	// one is (400 DUPLICATES_DETECTED naming the records matched, itself
	// never among them; an alert bypassed by allowSave=true, a block
	// never). As in Salesforce, an edit is judged only when it changes a
	// field the matching rules compare (Email, LastName, Company): one
	// setting only Status or Baton's id passes.
	DuplicateRuleOnEdit bool
	// LeadFieldLengths are the lengths of the org's own text fields on
	// Lead (Department__c: 50 ...), refused over like the standard ones.
	LeadFieldLengths map[string]int
	// AssignTo is the owner the org's lead assignment rule gives: set, a
	// Lead written (created or updated, by external id or record id)
	// without the header Sforce-Auto-Assign: FALSE gets it as its
	// OwnerId, as Salesforce runs the default rule on every Lead write
	// unless told not to (Assignment Rule Header, REST API).
	AssignTo string
	// AccountAssignTo is the owner the org's Account assignment (territory)
	// rules give: set, an Account written (created or updated) without
	// Sforce-Auto-Assign: FALSE gets it as its OwnerId, as the header's
	// default TRUE runs them on every Account write too.
	AccountAssignTo string
	// Now is the fake org's clock (default clock.Now): JWT assertions expire by it.
	Now func() time.Time
	// Versions counts REST calls per API version (v62.0 ...).
	Versions map[string]int
	// Login is the generic login host (login.salesforce.com): it serves the
	// JWT bearer flow but refuses client credentials, which need My Domain.
	Login *httptest.Server

	tokens map[string]bool
	seq    int
}

// CountryCodes and StateCodes are the fake org's State and Country picklist
// values: code -> name.
var (
	CountryCodes = map[string]string{"JP": "Japan", "US": "United States", "GB": "United Kingdom"}
	StateCodes   = map[string]string{"13": "Tokyo", "27": "Osaka", "CA": "California", "NY": "New York"}
)

// Salesforce error bodies, as the REST API sends them.
const (
	SFInvalidSession     = `[{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]`
	SFRequestLimit       = `[{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
	SFConcurrentLimit    = `[{"message":"ConcurrentPerOrgLongTxn Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]`
	SFDuplicatesDetected = `[{"message":"Use one of these records?","errorCode":"DUPLICATES_DETECTED","fields":[]}]`
	SFInvalidField       = `[{"message":"No such column 'Baton_Score__c' on sobject of type Lead","errorCode":"INVALID_FIELD"}]`
	SFMultipleChoices    = `["/services/data/v62.0/sobjects/Lead/00Q000000000001AAA","/services/data/v62.0/sobjects/Lead/00Q000000000002AAA"]`
	SFServiceUnavailable = `[{"message":"Service temporarily unavailable","errorCode":"SERVER_UNAVAILABLE"}]`
	SFUnableToLockRow    = `[{"message":"unable to obtain exclusive access to this record or 1 records: 00Q000000000001AAA","errorCode":"UNABLE_TO_LOCK_ROW","fields":[]}]`
	SFConvertedLead      = `[{"message":"cannot reference converted lead","errorCode":"CANNOT_UPDATE_CONVERTED_LEAD","fields":[]}]`
)

// NewSalesforce starts the fake (and its generic login host).
func NewSalesforce() *Salesforce {
	s := &Salesforce{ClientID: "3MVG9-fake-client", ClientSecret: "fake-secret", Audience: "https://login.salesforce.com", LeadKey: "Baton_Person_Id__c", TaskKey: "Baton_MQL_Id__c",
		Leads: map[string]map[string]any{}, Tasks: map[string]map[string]any{}, Accounts: map[string]map[string]any{}, AccountKey: "Baton_Account_Id__c", Contacts: map[string]map[string]any{}, Opportunities: map[string]map[string]any{},
		tokens: map[string]bool{}, Versions: map[string]int{}, Now: clock.Now,
		LeadStatuses:      []string{"Open - Not Contacted", "Working - Contacted", "Closed - Converted", "Closed - Not Converted"},
		DefaultLeadStatus: "Open - Not Contacted", ConvertedLeadStatus: "Closed - Converted",
		TaskStatuses:       []string{"Not Started", "In Progress", "Completed", "Waiting on someone else", "Deferred"},
		ClosedTaskStatuses: []string{"Completed"},
		TaskPriorities:     []string{"High", "Normal", "Low"}, HighTaskPriorities: []string{"High"}, DefaultTaskPriority: "Normal"}
	s.Calls = map[string]int{}
	s.Server = httptest.NewServer(s.lossy(s.serve))
	s.Login = httptest.NewServer(http.HandlerFunc(s.serveLogin))
	return s
}

// StandardLeadFields are the Lead's standard fields, as every org has
// them (Object Reference for the Salesforce Platform, Lead).
var StandardLeadFields = []string{"Id", "IsDeleted", "MasterRecordId", "LastName", "FirstName", "Salutation", "MiddleName", "Suffix",
	"Name", "Title", "Company", "Street", "City", "State", "PostalCode", "Country", "StateCode", "CountryCode", "Latitude", "Longitude",
	"GeocodeAccuracy", "Address", "Phone", "MobilePhone", "Fax", "Email", "Website", "PhotoUrl", "Description", "LeadSource", "Status",
	"Industry", "Rating", "AnnualRevenue", "NumberOfEmployees", "OwnerId", "HasOptedOutOfEmail", "HasOptedOutOfFax", "DoNotCall",
	"IsConverted", "ConvertedDate", "ConvertedAccountId", "ConvertedContactId", "ConvertedOpportunityId", "IsUnreadByOwner",
	"CreatedDate", "CreatedById", "LastModifiedDate", "LastModifiedById", "SystemModstamp", "LastActivityDate", "LastViewedDate",
	"LastReferencedDate", "Jigsaw", "JigsawContactId", "EmailBouncedReason", "EmailBouncedDate", "IndividualId"}

// OrgLeadFields makes the org's Lead have only its standard fields
// (StandardLeadFields), the lead key and custom (the org's own:
// Department__c ...): see LeadFields.
func (s *Salesforce) OrgLeadFields(custom ...string) {
	s.LeadFields = map[string]bool{}
	for _, f := range append(append(slices.Clone(StandardLeadFields), s.LeadKey), custom...) {
		s.LeadFields[strings.ToLower(f)] = true
	}
}

// noLeadField is the first of fields (sorted) the org's Lead lacks
// (LeadFields), "" when it has them all.
func (s *Salesforce) noLeadField(fields []string) string {
	if s.LeadFields == nil {
		return ""
	}
	slices.Sort(fields)
	for _, f := range fields {
		if f = strings.TrimSpace(f); f != "" && !s.LeadFields[strings.ToLower(f)] {
			return f
		}
	}
	return ""
}

// writesLeadFields refuses a Lead write naming a field the org's Lead
// lacks, as Salesforce does (LeadFields).
func (s *Salesforce) writesLeadFields(w http.ResponseWriter, fields map[string]any) bool {
	if f := s.noLeadField(slices.Collect(maps.Keys(fields))); f != "" {
		sfErr(w, 400, "INVALID_FIELD", "No such column '"+f+"' on sobject of type Lead")
		return false
	}
	return true
}

// Close stops both servers.
func (s *Salesforce) Close() {
	s.Login.Close()
	s.Server.Close()
}

func copyRec(r map[string]any) map[string]any {
	if r == nil {
		return nil
	}
	out := map[string]any{}
	for k, v := range r {
		out[k] = v
	}
	return out
}

// Lead returns a copy of the Lead stored under that external id (nil: none),
// safe while the fake serves.
func (s *Salesforce) Lead(externalID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyRec(s.Leads[externalID])
}

// LeadByID returns a copy of the Lead with that record id (nil: none).
func (s *Salesforce) LeadByID(id string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, l := s.leadByID(id)
	return copyRec(l)
}

// Task returns a copy of the Task stored under that external id (nil: none).
func (s *Salesforce) Task(externalID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyRec(s.Tasks[externalID])
}

func (s *Salesforce) newID(prefix string) string {
	s.seq++
	return fmt.Sprintf("%s%012dAAA", prefix, s.seq)
}

// AddLead stores a Lead sales created (without Baton's external id unless
// fields name it) and returns its id.
func (s *Salesforce) AddLead(fields map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := copyRec(fields)
	rec["Id"] = s.newID("00Q")
	rec["IsConverted"] = false
	if rec["Status"] == nil {
		rec["Status"] = s.DefaultLeadStatus
	}
	key, _ := rec[s.LeadKey].(string)
	if key == "" {
		key = "#" + rec["Id"].(string)
	}
	s.Leads[key] = rec
	return rec["Id"].(string)
}

// AddContact stores a Contact and returns its id.
func (s *Salesforce) AddContact(fields map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := copyRec(fields)
	rec["Id"] = s.newID("003")
	s.Contacts[rec["Id"].(string)] = rec
	return rec["Id"].(string)
}

// Convert converts the Lead with that external id as sales would: into a
// Contact and, with opportunity, an Opportunity. It returns their ids.
func (s *Salesforce) Convert(externalID string, opportunity bool) (contactID, opportunityID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.Leads[externalID]
	if l == nil {
		return "", ""
	}
	contactID = s.newID("003")
	s.Contacts[contactID] = map[string]any{"Id": contactID, "LastName": l["LastName"], "FirstName": l["FirstName"], "Email": l["Email"]}
	l["IsConverted"], l["ConvertedContactId"], l["Status"] = true, contactID, s.ConvertedLeadStatus
	if opportunity {
		opportunityID = s.newID("006")
		s.Opportunities[opportunityID] = map[string]any{"Id": opportunityID, "Name": fmt.Sprint(l["Company"], "-")}
		l["ConvertedOpportunityId"] = opportunityID
	}
	return contactID, opportunityID
}

// ExpireTokens invalidates every access token (the next call gets 401 INVALID_SESSION_ID).
func (s *Salesforce) ExpireTokens() {
	s.mu.Lock()
	s.tokens = map[string]bool{}
	s.mu.Unlock()
}

func sfErr(w http.ResponseWriter, status int, code, msg string, fields ...string) {
	if fields == nil {
		fields = []string{}
	}
	writeJSON(w, status, []map[string]any{{"message": msg, "errorCode": code, "fields": fields}})
}

func (s *Salesforce) leadByID(id string) (string, map[string]any) {
	for k, rec := range s.Leads {
		if rec["Id"] == id {
			return k, rec
		}
	}
	return "", nil
}

func (s *Salesforce) serveLogin(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path != "/services/oauth2/token" {
		http.NotFound(w, r)
		return
	}
	s.Calls["POST login token"]++
	r.ParseForm()
	if r.Form.Get("grant_type") == "client_credentials" {
		// The generic host cannot tell which org's client this is.
		writeJSON(w, 400, map[string]string{"error": "invalid_grant", "error_description": "request not supported on this domain"})
		return
	}
	s.token(w, r)
}

func (s *Salesforce) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.URL.Path == "/services/oauth2/token" {
		s.Calls["POST token"]++
		s.token(w, r)
		return
	}
	if !s.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")] {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(401)
		io.WriteString(w, SFInvalidSession)
		return
	}
	if (r.Method == "GET" || r.Method == "DELETE") && (r.ContentLength > 0 || len(r.TransferEncoding) > 0) {
		sfErr(w, 400, "JSON_PARSER_ERROR", "Unexpected request body on "+r.Method)
		return
	}
	parts := strings.Split(strings.TrimPrefix(r.URL.Path, "/services/data/"), "/")
	s.Versions[parts[0]]++
	if len(parts) == 2 && parts[1] == "query" && r.Method == "GET" {
		s.Calls["GET query"]++
		if s.faultReq(w, r) {
			return
		}
		s.query(w, r.URL.Query().Get("q"))
		return
	}
	if len(parts) == 4 && parts[1] == "sobjects" && parts[2] == "Lead" { // by record id
		s.Calls[r.Method+" Lead by id"]++
		if r.Method == "DELETE" {
			s.Calls["DELETE Lead"]++
		}
		if s.faultReq(w, r) {
			return
		}
		s.leadByRecordID(w, r, parts[3])
		return
	}
	if len(parts) == 4 && parts[1] == "sobjects" && parts[2] == "Account" { // by record id
		s.Calls[r.Method+" Account by id"]++
		if s.faultReq(w, r) {
			return
		}
		s.accountByRecordID(w, r, parts[3])
		return
	}
	if len(parts) != 5 || parts[1] != "sobjects" || (parts[2] != "Lead" && parts[2] != "Task" && parts[2] != "Account") {
		sfErr(w, 404, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	s.Calls[r.Method+" "+parts[2]]++
	if s.faultReq(w, r) {
		return
	}
	store := s.Leads
	if s.Hidden[parts[2]+"."+parts[3]] {
		sfErr(w, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+parts[3])
		return
	}
	switch parts[2] {
	case "Lead", "Task":
		if want := map[string]string{"Lead": s.LeadKey, "Task": s.TaskKey}[parts[2]]; parts[3] != want {
			sfErr(w, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+parts[3])
			return
		}
		if parts[2] == "Task" {
			store = s.Tasks
		}
	case "Account":
		if parts[3] != s.AccountKey {
			sfErr(w, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+parts[3])
			return
		}
		store = s.Accounts
	}
	key := parts[4]
	switch r.Method {
	case "GET":
		rec, ok := store[key]
		if !ok {
			// Salesforce's own words for a record missing by external id
			// name the value looked up in the place of the field.
			sfErr(w, 404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: "+key)
			return
		}
		out := map[string]any{"attributes": map[string]string{"type": parts[2]}}
		fields := r.URL.Query().Get("fields")
		if fields == "" {
			fields = "Id"
		}
		if f := s.noLeadField(strings.Split(fields, ",")); f != "" && parts[2] == "Lead" {
			sfErr(w, 400, "INVALID_FIELD", "No such column '"+f+"' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")
			return
		}
		for _, f := range strings.Split(fields, ",") {
			out[strings.TrimSpace(f)] = rec[strings.TrimSpace(f)]
		}
		writeJSON(w, 200, out)
	case "PATCH":
		var fields map[string]any
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
			sfErr(w, 400, "JSON_PARSER_ERROR", "JSON parser error")
			return
		}
		rec, exists := store[key]
		if parts[2] == "Lead" {
			if exists && rec["IsConverted"] == true {
				w.Header().Set("Content-Type", "application/json")
				w.WriteHeader(400)
				io.WriteString(w, SFConvertedLead)
				return
			}
			if !s.writesLeadFields(w, fields) || !s.validLead(w, fields) {
				return
			}
			if !exists && !s.allowDuplicate(w, r, fields, "") || exists && !s.allowLeadEdit(w, r, rec, fields) {
				return
			}
		} else if parts[2] == "Task" && !s.validTask(w, fields) {
			return
		} else if parts[2] == "Account" && !exists && !s.allowDuplicateAccount(w, r, fields, "") {
			return
		}
		if !s.validStrings(w, parts[2], fields) {
			return
		}
		if !exists {
			var missing []string
			req := []string{"LastName", "Company"}
			switch parts[2] {
			case "Task":
				req = nil // no field of its own is required (Status, Priority default)
			case "Account":
				req = []string{"Name"}
			}
			for _, f := range req {
				if v, _ := fields[f].(string); strings.TrimSpace(v) == "" { // a blank value is no value
					missing = append(missing, f)
				}
			}
			if len(missing) > 0 {
				sfErr(w, 400, "REQUIRED_FIELD_MISSING", "Required fields are missing: ["+strings.Join(missing, ", ")+"]", missing...)
				return
			}
			prefix := map[string]string{"Lead": "00Q", "Task": "00T", "Account": "001"}[parts[2]]
			rec = map[string]any{"Id": s.newID(prefix)}
			switch parts[2] {
			case "Lead":
				rec["IsConverted"], rec[s.LeadKey] = false, key
				if fields["Status"] == nil {
					rec["Status"] = s.DefaultLeadStatus // the picklist's default, as on any new Lead
				}
			case "Account":
				rec[s.AccountKey], rec["CreatedDate"] = key, s.Now().UTC().Format(SFDateTime)
			case "Task":
				// The picklists' defaults, as on any new Task.
				if len(s.TaskStatuses) > 0 {
					rec["Status"] = s.TaskStatuses[0]
				}
				if s.DefaultTaskPriority != "" {
					rec["Priority"] = s.DefaultTaskPriority
				}
			}
			store[key] = rec
		}
		for k, v := range fields {
			rec[k] = v
		}
		switch parts[2] {
		case "Lead":
			s.assign(r, rec)
		case "Account":
			s.assignAccount(r, rec)
		}
		status := 200
		if !exists {
			status = 201
		}
		writeJSON(w, status, map[string]any{"id": rec["Id"], "success": true, "errors": []any{}, "created": !exists})
	default:
		sfErr(w, 405, "METHOD_NOT_ALLOWED", "HTTP Method '"+r.Method+"' not allowed")
	}
}

// assign runs the org's lead assignment rule on a Lead written (AssignTo).
func (s *Salesforce) assign(r *http.Request, rec map[string]any) {
	if s.AssignTo != "" && !strings.EqualFold(r.Header.Get("Sforce-Auto-Assign"), "FALSE") {
		rec["OwnerId"] = s.AssignTo
	}
}

// assignAccount runs the org's Account assignment rules on an Account
// written (AccountAssignTo).
func (s *Salesforce) assignAccount(r *http.Request, rec map[string]any) {
	if s.AccountAssignTo != "" && !strings.EqualFold(r.Header.Get("Sforce-Auto-Assign"), "FALSE") {
		rec["OwnerId"] = s.AccountAssignTo
	}
}

// leadByRecordID serves GET, PATCH and DELETE /sobjects/Lead/{id}.
func (s *Salesforce) leadByRecordID(w http.ResponseWriter, r *http.Request, id string) {
	key, rec := s.leadByID(id)
	if rec == nil {
		sfErr(w, 404, "ENTITY_IS_DELETED", "entity is deleted")
		return
	}
	switch r.Method {
	case "DELETE":
		delete(s.Leads, key)
		w.WriteHeader(204)
	case "GET":
		writeJSON(w, 200, rec)
	case "PATCH":
		var fields map[string]any
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
			sfErr(w, 400, "JSON_PARSER_ERROR", "JSON parser error")
			return
		}
		if rec["IsConverted"] == true {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(400)
			io.WriteString(w, SFConvertedLead)
			return
		}
		if !s.writesLeadFields(w, fields) || !s.validLead(w, fields) || !s.validStrings(w, "Lead", fields) || !s.allowLeadEdit(w, r, rec, fields) {
			return
		}
		if ext, ok := fields[s.LeadKey].(string); ok && ext != "" && !strings.HasPrefix(key, "#") && key != ext {
			sfErr(w, 400, "DUPLICATE_VALUE", "duplicate value found: "+s.LeadKey+" duplicates value on record with id: "+id, s.LeadKey)
			return
		}
		for k, v := range fields {
			rec[k] = v
		}
		s.assign(r, rec)
		if ext, ok := fields[s.LeadKey].(string); ok && ext != "" && key != ext {
			if _, taken := s.Leads[ext]; taken {
				sfErr(w, 400, "DUPLICATE_VALUE", "duplicate value found: "+s.LeadKey+" duplicates value on record with id: "+id, s.LeadKey)
				return
			}
			delete(s.Leads, key)
			s.Leads[ext] = rec
		}
		w.WriteHeader(204)
	default:
		sfErr(w, 405, "METHOD_NOT_ALLOWED", "HTTP Method '"+r.Method+"' not allowed")
	}
}

// validLead applies the Lead Status values, restricted picklists and
// State and Country picklists.
func (s *Salesforce) validLead(w http.ResponseWriter, fields map[string]any) bool {
	if v, ok := fields["Status"]; ok {
		str, _ := v.(string)
		if !slices.Contains(s.LeadStatuses, str) {
			sfErr(w, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", "Status: bad value for restricted picklist field: "+str, "Status")
			return false
		}
	}
	for f, allowed := range s.Picklists {
		if v, ok := fields[f]; ok {
			str, _ := v.(string)
			if !slices.Contains(allowed, str) {
				sfErr(w, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f+": bad value for restricted picklist field: "+str, f)
				return false
			}
		}
	}
	if !s.StateCountryPicklists {
		return true
	}
	for _, c := range []struct {
		code, text string
		values     map[string]string
		what       string
	}{{"CountryCode", "Country", CountryCodes, "country/territory"}, {"StateCode", "State", StateCodes, "state"}} {
		if v, ok := fields[c.code]; ok {
			if _, known := c.values[fmt.Sprint(v)]; !known {
				sfErr(w, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", c.code+": bad value for restricted picklist field: "+fmt.Sprint(v), c.code)
				return false
			}
		}
		if v, ok := fields[c.text]; ok {
			named := false
			for _, name := range c.values {
				named = named || name == v
			}
			if !named {
				sfErr(w, 400, "FIELD_INTEGRITY_EXCEPTION", "There's a problem with this "+c.what+", even though it may appear correct. Please select a "+c.what+" from the list of valid "+c.what+"s.: "+c.text, c.text)
				return false
			}
		}
	}
	return true
}

// ruleApplies reports whether the org's duplicate rules judge the write
// r: on, and not bypassed by Sforce-Duplicate-Rule-Header allowSave=true
// (which bypasses an alerting rule, never a blocking one).
func (s *Salesforce) ruleApplies(r *http.Request) bool {
	allowSave := strings.Contains(strings.ReplaceAll(strings.ToLower(r.Header.Get("Sforce-Duplicate-Rule-Header")), " ", ""), "allowsave=true")
	return s.DuplicateRule && !(allowSave && !s.DuplicateRuleBlocks)
}

// matchRecord is one record of a duplicate rule's matchRecords, by Id only.
func matchRecord(kind, id string) map[string]any {
	return map[string]any{"additionalInformation": []any{}, "fieldDiffs": []any{}, "matchConfidence": 100.0,
		"record": map[string]any{"attributes": map[string]string{"type": kind, "url": "/services/data/v62.0/sobjects/" + kind + "/" + id}, "Id": id}}
}

// duplicatesDetected answers a write a duplicate rule refused, as the REST
// API does: 400, DUPLICATES_DETECTED, with its duplicateResult.
func (s *Salesforce) duplicatesDetected(w http.ResponseWriter, entity string, results []any) {
	msg := "You're creating a duplicate record. We recommend you use an existing record instead."
	writeJSON(w, 400, []map[string]any{{"duplicateResult": map[string]any{"allowSave": !s.DuplicateRuleBlocks, "duplicateRule": "Standard_" + entity + "_Duplicate_Rule", "duplicateRuleEntityType": entity,
		"errorMessage": msg, "matchResults": results},
		"errorCode": "DUPLICATES_DETECTED", "message": msg, "fields": []string{}}})
}

// allowLeadEdit applies the Lead rule to an edit of rec with fields
// (DuplicateRuleOnEdit): judged only when fields change Email, LastName
// or Company, on the Lead as the edit leaves it, matching itself no more.
func (s *Salesforce) allowLeadEdit(w http.ResponseWriter, r *http.Request, rec, fields map[string]any) bool {
	if !s.DuplicateRuleOnEdit {
		return true
	}
	changed := false
	for _, f := range []string{"Email", "LastName", "Company"} {
		if v, ok := fields[f]; ok && v != rec[f] {
			changed = true
		}
	}
	if !changed {
		return true
	}
	probe := copyRec(rec)
	maps.Copy(probe, fields)
	self, _ := rec["Id"].(string)
	return s.allowDuplicate(w, r, probe, self)
}

// allowDuplicate applies the Lead rule to a Lead written with fields
// (self: its record id when it exists, which matches itself no more).
func (s *Salesforce) allowDuplicate(w http.ResponseWriter, r *http.Request, fields map[string]any, self string) bool {
	if !s.ruleApplies(r) {
		return true
	}
	str := func(r map[string]any, f string) string { v, _ := r[f].(string); return v }
	email, last, company := str(fields, "Email"), str(fields, "LastName"), str(fields, "Company")
	var results []any
	for _, kind := range []string{"Lead", "Contact"} {
		store := s.Leads
		if kind == "Contact" {
			store = s.Contacts
		}
		ids := make([]string, 0, len(store))
		byID := map[string]map[string]any{}
		for _, rec := range store {
			ids = append(ids, str(rec, "Id"))
			byID[str(rec, "Id")] = rec
		}
		slices.Sort(ids)
		var records []any
		for _, id := range ids {
			rec := byID[id]
			// The standard matching rules: the same email, or (Leads) the
			// same name at the same company.
			sameEmail := email != "" && strings.EqualFold(str(rec, "Email"), email)
			sameName := kind == "Lead" && last != "" && company != "" && str(rec, "LastName") == last && str(rec, "Company") == company
			if !sameEmail && !sameName || rec["IsConverted"] == true || id == self {
				continue
			}
			records = append(records, matchRecord(kind, id))
		}
		if len(records) > 0 {
			results = append(results, map[string]any{"entityType": kind, "matchEngine": "FuzzyMatchEngine", "rule": "Standard_" + kind + "_Match_Rule_v1_0", "size": len(records), "success": true, "errors": []any{}, "matchRecords": records})
		}
	}
	if len(results) == 0 {
		return true
	}
	s.duplicatesDetected(w, "Lead", results)
	return false
}

// allowDuplicateAccount applies the Standard Account Duplicate Rule to an
// Account written with fields (self: its record id when it exists, which
// matches itself no more), as allowDuplicate does to a Lead.
func (s *Salesforce) allowDuplicateAccount(w http.ResponseWriter, r *http.Request, fields map[string]any, self string) bool {
	if !s.ruleApplies(r) {
		return true
	}
	str := func(r map[string]any, f string) string { v, _ := r[f].(string); return v }
	probe := map[string]any{}
	if self != "" {
		maps.Copy(probe, s.accountByID(self))
	}
	maps.Copy(probe, fields)
	var ids []string
	for _, a := range s.Accounts {
		if id := str(a, "Id"); id != self && sameAccount(probe, a) {
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return true
	}
	slices.Sort(ids)
	var records []any
	for _, id := range ids {
		records = append(records, matchRecord("Account", id))
	}
	s.duplicatesDetected(w, "Account", []any{map[string]any{"entityType": "Account", "matchEngine": "FuzzyMatchEngine", "rule": "Standard_Account_Match_Rule_v1_0",
		"size": len(records), "success": true, "errors": []any{}, "matchRecords": records}})
	return false
}

// sameAccount is the fake's Standard Account Matching Rule. The real one
// (fuzzy Account Name, with the billing address, phone or website) could
// not be pinned down from its documentation here, so the fake matches more
// broadly: the same company name as accountName normalizes it, or the same
// website domain. What Baton must handle is the refusal and the records it
// names, whichever fields matched.
func sameAccount(a, b map[string]any) bool {
	str := func(r map[string]any, f string) string { v, _ := r[f].(string); return v }
	if n := accountName(str(a, "Name")); n != "" && n == accountName(str(b, "Name")) {
		return true
	}
	d := websiteDomain(str(a, "Website"))
	return d != "" && d == websiteDomain(str(b, "Website"))
}

// legalForms are the words of a company's legal form, which the fake
// rule's name comparison ignores (サンプル株式会社 is (株)サンプル, Acme Inc.
// is Acme): the Japanese ones wherever they are, the Latin ones as words.
var (
	legalFormsJA = strings.NewReplacer("株式会社", "", "(株)", "", "有限会社", "", "(有)", "", "合同会社", "")
	legalFormsEN = []string{"inc", "incorporated", "corp", "corporation", "co", "company", "ltd", "limited", "llc", "kk"}
)

// accountName is a company name as the fake's rule compares it: width and
// case folded (NFKC: ㈱ and （株） are (株)), legal forms, spaces and
// punctuation dropped.
func accountName(name string) string {
	var out strings.Builder
	for _, w := range strings.FieldsFunc(legalFormsJA.Replace(strings.ToLower(norm.NFKC.String(name))), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) {
		if !slices.Contains(legalFormsEN, w) {
			out.WriteString(w)
		}
	}
	return out.String()
}

// websiteDomain is a Website's host, lower case, without www.
func websiteDomain(site string) string {
	site = strings.ToLower(strings.TrimSpace(site))
	if i := strings.Index(site, "://"); i >= 0 {
		site = site[i+3:]
	}
	if i := strings.IndexAny(site, "/?#:"); i >= 0 {
		site = site[:i]
	}
	return strings.TrimPrefix(site, "www.")
}

// SFDateTime is how the REST API writes a datetime (CreatedDate).
const SFDateTime = "2006-01-02T15:04:05.000+0000"

// AddAccount stores an Account sales created (without Baton's external id
// unless fields name it; CreatedDate now unless given) and returns its id.
func (s *Salesforce) AddAccount(fields map[string]any) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	rec := copyRec(fields)
	rec["Id"] = s.newID("001")
	if rec["CreatedDate"] == nil {
		rec["CreatedDate"] = s.Now().UTC().Format(SFDateTime)
	}
	key, _ := rec[s.AccountKey].(string)
	if key == "" {
		key = "#" + rec["Id"].(string)
	}
	s.Accounts[key] = rec
	return rec["Id"].(string)
}

// AccountByID returns a copy of the Account with that record id (nil: none).
func (s *Salesforce) AccountByID(id string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyRec(s.accountByID(id))
}

// accountByRecordID serves GET and PATCH /sobjects/Account/{id}: a PATCH
// judged by the duplicate rule as an edit, and one setting Baton's key
// files the Account under it (refused, DUPLICATE_VALUE, when another
// Account holds that key).
func (s *Salesforce) accountByRecordID(w http.ResponseWriter, r *http.Request, id string) {
	var key string
	var rec map[string]any
	for k, a := range s.Accounts {
		if a["Id"] == id {
			key, rec = k, a
		}
	}
	if rec == nil {
		sfErr(w, 404, "NOT_FOUND", "The requested resource does not exist")
		return
	}
	switch r.Method {
	case "GET":
		out := map[string]any{"attributes": map[string]string{"type": "Account"}}
		fields := r.URL.Query().Get("fields")
		if fields == "" {
			maps.Copy(out, rec)
		}
		for _, f := range strings.Split(fields, ",") {
			if f = strings.TrimSpace(f); f != "" {
				out[f] = rec[f]
			}
		}
		writeJSON(w, 200, out)
	case "PATCH":
		var fields map[string]any
		if err := json.NewDecoder(r.Body).Decode(&fields); err != nil {
			sfErr(w, 400, "JSON_PARSER_ERROR", "JSON parser error")
			return
		}
		if !s.validStrings(w, "Account", fields) || !s.allowDuplicateAccount(w, r, fields, id) {
			return
		}
		ext, _ := fields[s.AccountKey].(string)
		if other, taken := s.Accounts[ext]; ext != "" && taken && other["Id"] != id {
			sfErr(w, 400, "DUPLICATE_VALUE", "duplicate value found: "+s.AccountKey+" duplicates value on record with id: "+fmt.Sprint(other["Id"]), s.AccountKey)
			return
		}
		maps.Copy(rec, fields)
		s.assignAccount(r, rec)
		if ext != "" && key != ext {
			delete(s.Accounts, key)
			s.Accounts[ext] = rec
		}
		w.WriteHeader(204)
	default:
		sfErr(w, 405, "METHOD_NOT_ALLOWED", "HTTP Method '"+r.Method+"' not allowed")
	}
}

// accountByID is the Account with that record id (nil: none).
func (s *Salesforce) accountByID(id string) map[string]any {
	for _, a := range s.Accounts {
		if a["Id"] == id {
			return a
		}
	}
	return nil
}

// Account returns a copy of the Account stored under that external id
// (nil: none).
func (s *Salesforce) Account(externalID string) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return copyRec(s.Accounts[externalID])
}

// validTask checks the Task's references: WhoId a Lead (not converted) or
// a Contact, WhatId an Opportunity or an Account.
func (s *Salesforce) validTask(w http.ResponseWriter, fields map[string]any) bool {
	for f, vs := range map[string][]string{"Status": s.TaskStatuses, "Priority": s.TaskPriorities} {
		if v, sent := fields[f]; sent && !slices.Contains(vs, fmt.Sprint(v)) {
			sfErr(w, 400, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST", f+": bad value for restricted picklist field: "+fmt.Sprint(v), f)
			return false
		}
	}
	if who, _ := fields["WhoId"].(string); who != "" {
		_, l := s.leadByID(who)
		switch {
		case l != nil && l["IsConverted"] == true:
			sfErr(w, 400, "CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead", "WhoId")
			return false
		case l == nil && s.Contacts[who] == nil:
			sfErr(w, 400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", "WhoId")
			return false
		}
	}
	if what, _ := fields["WhatId"].(string); what != "" && s.Opportunities[what] == nil && s.accountByID(what) == nil {
		sfErr(w, 400, "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id", "WhatId")
		return false
	}
	return true
}

var (
	soqlRe = regexp.MustCompile(`(?is)^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+ORDER\s+BY\s+(\w+))?(?:\s+LIMIT\s+(\d+))?\s*$`)
	condRe = regexp.MustCompile(`(?is)^\s*(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|true|false|null)\s*$`)
	inRe   = regexp.MustCompile(`(?is)^\s*(\w+)\s+IN\s*\(\s*('(?:[^'\\]|\\.)*'(?:\s*,\s*'(?:[^'\\]|\\.)*')*)\s*\)\s*$`)
	strRe  = regexp.MustCompile(`'((?:[^'\\]|\\.)*)'`)
)

// query runs the SOQL subset the connector sends: SELECT fields FROM
// Lead|Contact|Account|User|Group|LeadStatus|TaskStatus|TaskPriority
// [WHERE f = 'v' AND g = false AND h IN ('a', 'b') ...] [ORDER BY SortOrder]
// [LIMIT n].
func (s *Salesforce) query(w http.ResponseWriter, q string) {
	m := soqlRe.FindStringSubmatch(q)
	if m == nil {
		sfErr(w, 400, "MALFORMED_QUERY", "unexpected token in: "+q)
		return
	}
	seen := map[string]bool{}
	for _, f := range strings.Split(m[1], ",") {
		if f = strings.ToLower(strings.TrimSpace(f)); seen[f] {
			// Salesforce refuses a field selected twice.
			sfErr(w, 400, "INVALID_FIELD", "\n"+q+"\n^\nERROR at Row:1:Column:8\nduplicate field selected: "+strings.TrimSpace(f))
			return
		}
		seen[f] = true
		if m[2] == "Lead" && s.noLeadField([]string{f}) != "" {
			sfErr(w, 400, "INVALID_FIELD", "\n"+q+"\n^\nERROR at Row:1:Column:8\nNo such column '"+strings.TrimSpace(f)+"' on entity 'Lead'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")
			return
		}
		for h := range s.Hidden {
			if strings.EqualFold(h, m[2]+"."+f) {
				sfErr(w, 400, "INVALID_FIELD", "\n"+q+"\n^\nERROR at Row:1:Column:8\nNo such column '"+strings.TrimSpace(f)+"' on entity '"+m[2]+"'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.")
				return
			}
		}
	}
	if s.Unreadable[m[2]] {
		sfErr(w, 400, "INVALID_TYPE", "sObject type '"+m[2]+"' is not supported. If you are attempting to use a custom object, be sure to append the '__c' after the entity name.")
		return
	}
	var store []map[string]any
	switch m[2] {
	case "Lead":
		for _, r := range s.Leads {
			store = append(store, r)
		}
	case "Contact":
		for _, r := range s.Contacts {
			store = append(store, r)
		}
	case "Account":
		for _, r := range s.Accounts {
			store = append(store, r)
		}
	case "User":
		for _, r := range s.Users {
			store = append(store, r)
		}
	case "Group":
		for _, r := range s.Groups {
			store = append(store, r)
		}
	case "LeadStatus":
		for i, v := range s.LeadStatuses {
			store = append(store, map[string]any{"Id": fmt.Sprintf("01J%012dAAA", i+1), "ApiName": v, "MasterLabel": v, "SortOrder": float64(i + 1),
				"IsDefault": v == s.DefaultLeadStatus, "IsConverted": v == s.ConvertedLeadStatus})
		}
	case "TaskStatus":
		for i, v := range s.TaskStatuses {
			store = append(store, map[string]any{"Id": fmt.Sprintf("01K%012dAAA", len(s.TaskStatuses)-i), "ApiName": v, "MasterLabel": v, "SortOrder": float64(i + 1),
				"IsDefault": i == 0, "IsClosed": slices.Contains(s.ClosedTaskStatuses, v)})
		}
	case "TaskPriority":
		for i, v := range s.TaskPriorities {
			store = append(store, map[string]any{"Id": fmt.Sprintf("01L%012dAAA", len(s.TaskPriorities)-i), "ApiName": v, "MasterLabel": v, "SortOrder": float64(i + 1),
				"IsDefault": v == s.DefaultTaskPriority, "IsHighPriority": slices.Contains(s.HighTaskPriorities, v)})
		}
	default:
		sfErr(w, 400, "INVALID_TYPE", "sObject type '"+m[2]+"' is not supported.")
		return
	}
	// Without ORDER BY the order is Salesforce's own (here by Id, which
	// for TaskStatus and TaskPriority runs against their sort order: a
	// query relying on it without asking gets the last first).
	slices.SortFunc(store, func(a, b map[string]any) int { return strings.Compare(a["Id"].(string), b["Id"].(string)) })
	if m[4] != "" {
		if m[4] != "SortOrder" || (m[2] != "TaskStatus" && m[2] != "TaskPriority" && m[2] != "LeadStatus") {
			sfErr(w, 400, "MALFORMED_QUERY", "ORDER BY "+m[4]+": not a field this fake sorts by")
			return
		}
		slices.SortStableFunc(store, func(a, b map[string]any) int { return int(a["SortOrder"].(float64) - b["SortOrder"].(float64)) })
	}
	type cond struct {
		field string
		value any
	}
	var conds []cond
	if m[3] != "" {
		for _, c := range regexp.MustCompile(`(?i)\s+AND\s+`).Split(m[3], -1) {
			if im := inRe.FindStringSubmatch(c); im != nil {
				var vs []string
				for _, q := range strRe.FindAllStringSubmatch(im[2], -1) {
					vs = append(vs, regexp.MustCompile(`\\(.)`).ReplaceAllString(q[1], "$1"))
				}
				conds = append(conds, cond{im[1], vs})
				continue
			}
			cm := condRe.FindStringSubmatch(c)
			if cm == nil {
				sfErr(w, 400, "MALFORMED_QUERY", "unexpected token: "+c)
				return
			}
			var v any
			switch strings.ToLower(cm[2]) {
			case "true":
				v = true
			case "false":
				v = false
			case "null":
				v = nil
			default:
				v = regexp.MustCompile(`\\(.)`).ReplaceAllString(cm[2][1:len(cm[2])-1], "$1")
			}
			conds = append(conds, cond{cm[1], v})
		}
	}
	limit := -1
	if m[5] != "" {
		limit, _ = strconv.Atoi(m[5])
	}
	records := []map[string]any{}
	for _, r := range store {
		ok := true
		for _, c := range conds {
			got := r[c.field]
			switch want := c.value.(type) {
			case string:
				g, _ := got.(string)
				ok = ok && sameValue(c.field, g, want)
			case []string:
				g, _ := got.(string)
				ok = ok && slices.ContainsFunc(want, func(w string) bool { return sameValue(c.field, g, w) })
			case bool:
				g, _ := got.(bool)
				ok = ok && g == want
			case nil:
				ok = ok && (got == nil || got == "")
			}
		}
		if !ok {
			continue
		}
		out := map[string]any{"attributes": map[string]string{"type": m[2], "url": "/services/data/v62.0/sobjects/" + m[2] + "/" + r["Id"].(string)}}
		for _, f := range strings.Split(m[1], ",") {
			f = strings.TrimSpace(f)
			out[f] = r[f]
			if f == "IsConverted" && r[f] == nil {
				out[f] = false
			}
		}
		records = append(records, out)
		if limit >= 0 && len(records) == limit {
			break
		}
	}
	writeJSON(w, 200, map[string]any{"totalSize": len(records), "done": true, "records": records})
}

// sameValue compares a stored value with a SOQL literal as Salesforce
// does: text ignoring case, but an Id by its 15 case-sensitive characters
// (an 18-character id's last three encode their case; SOQL takes either
// form).
func sameValue(field, stored, literal string) bool {
	if field != "Id" {
		return strings.EqualFold(stored, literal)
	}
	if len(stored) == 18 && len(literal) == 18 {
		return strings.EqualFold(stored, literal)
	}
	return len(stored) >= 15 && len(literal) >= 15 && stored[:15] == literal[:15]
}

func (s *Salesforce) token(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	bad := func(code, desc string) {
		writeJSON(w, 400, map[string]string{"error": code, "error_description": desc})
	}
	switch r.Form.Get("grant_type") {
	case "client_credentials":
		if r.Form.Get("client_id") != s.ClientID || r.Form.Get("client_secret") != s.ClientSecret {
			bad("invalid_client", "invalid client credentials")
			return
		}
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		if err := s.checkJWT(r.Form.Get("assertion")); err != nil {
			bad("invalid_grant", err.Error())
			return
		}
	default:
		bad("unsupported_grant_type", "grant type not supported")
		return
	}
	s.seq++
	tok := fmt.Sprintf("00Dfake!token%d", s.seq)
	s.tokens[tok] = true
	writeJSON(w, 200, map[string]string{"access_token": tok, "instance_url": s.URL, "id": s.URL + "/id/00D/005", "token_type": "Bearer", "issued_at": fmt.Sprint(s.Now().UnixMilli()), "signature": "fake"})
}

func (s *Salesforce) checkJWT(assertion string) error {
	parts := strings.Split(assertion, ".")
	if len(parts) != 3 || s.PublicKey == nil {
		return fmt.Errorf("invalid assertion")
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return fmt.Errorf("invalid assertion")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(s.PublicKey, crypto.SHA256, sum[:], sig) != nil {
		return fmt.Errorf("invalid assertion signature")
	}
	raw, _ := base64.RawURLEncoding.DecodeString(parts[1])
	var c struct {
		Iss, Sub, Aud string
		Exp           int64
	}
	if json.Unmarshal(raw, &c) != nil || c.Iss != s.ClientID || c.Aud != s.Audience || c.Sub == "" {
		return fmt.Errorf("audience is invalid")
	}
	if time.Unix(c.Exp, 0).Before(s.Now()) {
		return fmt.Errorf("expired authorization code")
	}
	return nil
}

// FieldLengths are the lengths of the standard text fields the connector
// writes, per sObject, as Salesforce documents them: a longer value is
// refused with STRING_TOO_LONG, not cut.
var FieldLengths = map[string]map[string]int{
	"Lead": {"FirstName": 40, "LastName": 80, "Company": 255, "Title": 128, "Email": 80, "Phone": 40, "MobilePhone": 40,
		"City": 40, "State": 80, "Country": 80, "PostalCode": 20, "Street": 255, "Website": 255, "Industry": 255, "LeadSource": 255, "Description": 32000},
	"Task":    {"Subject": 255, "Description": 32000},
	"Account": {"Name": 255, "Website": 255},
}

// sfEmail is what Salesforce takes as an email address: an ASCII local part
// (no RFC 6532 UTF-8) and an ASCII host name.
var sfEmail = regexp.MustCompile(`^[A-Za-z0-9!#$%&'*+/=?^_` + "`" + `{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$`)

// validStrings refuses what Salesforce refuses in text fields: a value
// longer than the field (counted in characters, as Java counts them: UTF-16
// units) and an email address it does not take.
func (s *Salesforce) validStrings(w http.ResponseWriter, object string, fields map[string]any) bool {
	lengths := FieldLengths[object]
	if object == "Lead" && len(s.LeadFieldLengths) > 0 {
		lengths = maps.Clone(lengths)
		maps.Copy(lengths, s.LeadFieldLengths)
	}
	for f, max := range lengths {
		v, _ := fields[f].(string)
		if n := len(utf16.Encode([]rune(v))); n > max {
			sfErr(w, 400, "STRING_TOO_LONG", fmt.Sprintf("%s: data value too large: %s (max length=%d)", f, v, max), f)
			return false
		}
	}
	if object == "Lead" {
		if v, _ := fields["Email"].(string); v != "" && !sfEmail.MatchString(v) {
			sfErr(w, 400, "INVALID_EMAIL_ADDRESS", "Email: invalid email address: "+v, "Email")
			return false
		}
	}
	return true
}
