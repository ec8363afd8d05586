package messaging

import (
	"context"
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
	"github.com/ringcard/ringcard/messages"
)

func invalid(format string, a ...any) error { return contacts.Errorf(contacts.EInvalid, format, a...) }

// SendRequest is a message to one contact or a group send. For SMS, SIMs
// are the phones and SIM slots to send from (a group send is spread over
// them); the text may use placeholders ({name}, {company}, ...).
type SendRequest struct {
	Channel    string            `json:"channel"`
	ContactIDs []string          `json:"contact_ids,omitempty"`
	Group      string            `json:"group,omitempty"` // every contact in this group
	SIMs       []messages.SIMRef `json:"sims,omitempty"`
	Subject    string            `json:"subject,omitempty"`
	Text       string            `json:"text"`
	HTML       string            `json:"html,omitempty"`
	// Template and Language pick a stored template instead of Text (and
	// Subject for e-mail).
	Template string `json:"template,omitempty"`
	Language string `json:"language,omitempty"`
	// OrderID, for a message to one contact about one of their orders (a
	// stage move of that order), makes {order} that order's number; without
	// it {order} is each contact's most recent open order's number.
	OrderID string `json:"order_id,omitempty"`
	// Literal says the text (and subject) is final, already filled as the
	// page showed it (the stage offer's box): it is sent as it is, and a
	// "{...}" in it, from a client's name or typed, is plain text.
	Literal bool `json:"literal,omitempty"`
}

// Recipient is one contact a send goes to, with its text filled in.
type Recipient struct {
	ContactID string `json:"contact_id"`
	Name      string `json:"name"`
	To        string `json:"to"`
	Subject   string `json:"subject,omitempty"` // e-mail, filled
	Text      string `json:"text"`
	Segments  int    `json:"segments,omitempty"`
	// Planned: which SIM sends it and when (SMS).
	SIM *messages.SIMRef `json:"sim,omitempty"`
	At  time.Time        `json:"at"`
}

// Skip is a contact left out, and why.
type Skip struct {
	ContactID string `json:"contact_id"`
	Name      string `json:"name"`
	Reason    string `json:"reason"`
}

// Preview is what a send will do, shown before it starts.
type Preview struct {
	SendID     string           `json:"send_id,omitempty"`
	Channel    string           `json:"channel"`
	Recipients []Recipient      `json:"recipients"`
	Skipped    []Skip           `json:"skipped"`
	Segments   int              `json:"segments"` // SMS: the whole send's parts
	Finish     time.Time        `json:"finish"`
	Days       int              `json:"days"`
	Note       string           `json:"note"`
	Caps       CapsSummary      `json:"caps"`
	Length     *messages.Length `json:"length,omitempty"` // the template's own length
}

// CapsSummary states the pacing in force.
type CapsSummary struct {
	PerWindow int    `json:"per_window"`
	Window    string `json:"window"`
	Daily     int    `json:"daily"`
}

// maxRecipients bounds one group send.
const maxRecipients = 20000

// Plan works out a send without storing it: who gets it with which text,
// who is skipped and why, and for SMS which SIM sends each and when.
func (s *Service) Plan(ctx context.Context, req SendRequest, staff string) (*Preview, []*messages.Message, error) {
	if req.Channel != messages.SMS && req.Channel != messages.Email {
		return nil, nil, invalid("channel: sms or email")
	}
	if req.Template != "" {
		ts, err := s.Templates(ctx)
		if err != nil {
			return nil, nil, err
		}
		t, ok := messages.Find(ts, req.Template, req.Language, req.Channel)
		if !ok {
			return nil, nil, contacts.Errorf(contacts.ENotFound, "no %s template %q in language %q", req.Channel, req.Template, req.Language)
		}
		req.Text, req.Subject = t.Text, t.Subject
	}
	if strings.TrimSpace(req.Text) == "" {
		return nil, nil, invalid("text: required")
	}
	if req.Channel == messages.Email && strings.TrimSpace(req.Subject) == "" {
		return nil, nil, invalid("subject: required for e-mail")
	}
	if req.Channel == messages.SMS {
		if err := s.checkSIMs(ctx, req.SIMs); err != nil {
			return nil, nil, err
		}
	}
	if req.Literal && req.Template != "" {
		return nil, nil, invalid("literal: a text already filled, not a template")
	}
	if !req.Literal {
		if _, err := messages.Fill(req.Text+req.Subject+req.HTML, messages.Fields{}); err != nil {
			return nil, nil, invalid("%s", err.Error())
		}
	}
	list, err := s.recipients(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	numbers, err := s.orderNumbers(ctx, req, list)
	if err != nil {
		return nil, nil, err
	}
	optouts, err := s.db.OptOuts(ctx)
	if err != nil {
		return nil, nil, err
	}
	l := messages.Segments(req.Text)
	caps := s.cfg.Caps
	if req.Channel == messages.Email {
		caps = s.cfg.EmailCaps
	}
	p := &Preview{Channel: req.Channel, Recipients: []Recipient{}, Skipped: []Skip{}, Length: &l,
		Caps: CapsSummary{caps.PerWindow, caps.Window.String(), caps.Daily}}
	var msgs []*messages.Message
	now := s.now()
	for _, c := range list {
		to, skip := address(c, req.Channel, optouts[c.ID])
		if skip != "" {
			p.Skipped = append(p.Skipped, Skip{c.ID, c.Name(), skip})
			continue
		}
		text, subject, html := req.Text, req.Subject, req.HTML
		if !req.Literal {
			f := Fields(c, staff, numbers[c.ID])
			text, _ = messages.Fill(req.Text, f)
			subject, _ = messages.Fill(req.Subject, f)
			html, _ = messages.Fill(req.HTML, f)
		}
		m := &messages.Message{ID: contacts.NewID(), ContactID: c.ID, Channel: req.Channel, To: to, Subject: subject, Text: text, HTML: html,
			Due: now, CreatedBy: staff}
		if req.Channel == messages.SMS {
			m.Segments = messages.Segments(text).Segments
			p.Segments += m.Segments
		}
		msgs = append(msgs, m)
		p.Recipients = append(p.Recipients, Recipient{ContactID: c.ID, Name: c.Name(), To: to, Subject: subject, Text: text, Segments: m.Segments})
	}
	if len(msgs) > 0 {
		planner := messages.Planner{Caps: s.cfg.Caps, Hours: s.cfg.Hours, Loc: s.cfg.Loc}
		sims := req.SIMs
		if req.Channel == messages.Email { // the mail account is one "SIM", each e-mail one segment
			planner.Caps, planner.Hours, sims = s.cfg.EmailCaps, s.cfg.EmailHours, []messages.SIMRef{mailAccount}
		}
		if err := s.schedule(ctx, now, planner, sims, msgs, p); err != nil {
			return nil, nil, err
		}
	}
	p.Note = note(p, now, s.cfg.Loc)
	return p, msgs, nil
}

// schedule gives each message its SIM (for e-mail, the mail account) and
// due time, after what each SIM already has waiting.
func (s *Service) schedule(ctx context.Context, now time.Time, planner messages.Planner, sims []messages.SIMRef, msgs []*messages.Message, p *Preview) error {
	usage := map[messages.SIMRef]messages.Usage{}
	day := dayStart(now.In(s.cfg.Loc))
	for _, ref := range sims {
		last, today, err := s.db.SIMPlanned(ctx, ref.DeviceID, ref.Slot, day)
		if err != nil {
			return err
		}
		sent, err := s.db.SIMSegments(ctx, ref.DeviceID, ref.Slot, day)
		if err != nil {
			return err
		}
		usage[ref] = messages.Usage{LastAt: last, Today: max(today, sent)}
	}
	segs := make([]int, len(msgs))
	for i, m := range msgs {
		segs[i] = max(m.Segments, 1)
	}
	plan, err := planner.Plan(now, sims, usage, segs)
	if err != nil {
		return invalid("%s", err.Error())
	}
	for i, sl := range plan.Slots {
		ref := sl.SIM
		msgs[i].DeviceID, msgs[i].SIMSlot, msgs[i].Due = ref.DeviceID, ref.Slot, sl.At
		p.Recipients[i].At = sl.At
		if msgs[i].Channel == messages.SMS {
			p.Recipients[i].SIM = &ref
		}
	}
	p.Finish, p.Days = plan.Finish, plan.Days
	return nil
}

func note(p *Preview, now time.Time, loc *time.Location) string {
	n := fmt.Sprintf("%d recipients, %d skipped", len(p.Recipients), len(p.Skipped))
	if len(p.Recipients) == 0 {
		return n
	}
	who := "the SIMs"
	if p.Channel == messages.SMS {
		n += fmt.Sprintf(", %d SMS parts in all", p.Segments)
	} else {
		who = "the mail account"
	}
	if p.Days > 1 {
		n += fmt.Sprintf("; more than %s may send today: planned across %d days, the last on %s", who, p.Days, p.Finish.In(loc).Format("Mon 2 Jan 15:04"))
	} else if p.Finish.After(now) {
		n += fmt.Sprintf("; the last goes out at about %s", p.Finish.In(loc).Format("15:04"))
	}
	return n
}

// checkSIMs accepts only work SIMs of active phones: private and ignored
// SIMs never send anything.
func (s *Service) checkSIMs(ctx context.Context, sims []messages.SIMRef) error {
	if len(sims) == 0 {
		return invalid("sims: choose at least one phone and SIM to send from")
	}
	seen := map[messages.SIMRef]bool{}
	for _, ref := range sims {
		if seen[ref] {
			return invalid("sims: SIM %d of %s is listed twice", ref.Slot, ref.DeviceID)
		}
		seen[ref] = true
		d, err := s.db.Device(ctx, ref.DeviceID)
		if err != nil {
			return err
		}
		if d.Revoked() {
			return contacts.Errorf(contacts.ENotFound, "device %s not found", ref.DeviceID)
		}
		sim, ok := d.SIM(ref.Slot)
		if !ok {
			return invalid("sims: the phone %s has no SIM %d", d.Name, ref.Slot)
		}
		if sim.EffectivePolicy() != contacts.SIMWork {
			return invalid("sims: SIM %d of %s is %s: ringcard never sends from it", ref.Slot, d.Name, sim.EffectivePolicy())
		}
	}
	return nil
}

func (s *Service) recipients(ctx context.Context, req SendRequest) ([]*contacts.Contact, error) {
	var out []*contacts.Contact
	seen := map[string]bool{}
	for _, id := range req.ContactIDs {
		if seen[id] {
			continue
		}
		seen[id] = true
		c, err := s.db.Contact(ctx, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if req.Group != "" {
		err := s.db.EachContact(ctx, func(c *contacts.Contact) error {
			if !seen[c.ID] && c.InGroup(req.Group) {
				seen[c.ID] = true
				out = append(out, c)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, invalid("recipients: name contact_ids or a group with contacts in it")
	}
	if len(out) > maxRecipients {
		return nil, invalid("recipients: %d, at most %d in one send", len(out), maxRecipients)
	}
	return out, nil
}

// address picks where a message goes: a contact's mobile number (E.164)
// for SMS, its first e-mail address for e-mail; or why it is skipped.
func address(c *contacts.Contact, channel string, o sqlite.OptOut) (to, skip string) {
	if channel == messages.SMS {
		if o.NoSMS {
			return "", "opted out of SMS"
		}
		best := ""
		for _, n := range c.Numbers {
			if n.E164 == "" {
				continue
			}
			if n.Type == "mobile" {
				return n.E164, ""
			}
			if best == "" && n.Type != "work" && n.Type != "home" && n.Type != "main" {
				best = n.E164
			}
		}
		if best == "" {
			return "", "no mobile number"
		}
		return best, ""
	}
	if o.NoEmail {
		return "", "opted out of e-mail"
	}
	for _, e := range c.Emails {
		if a, err := mail.ParseAddress(e.Address); err == nil {
			return a.Address, ""
		}
	}
	return "", "no e-mail address"
}

// orderNumbers is each recipient's value of {order} from the orders
// module, when the send's text uses it: the order req.OrderID names (one
// contact, their order), or each contact's most recent open order
// (sqlite.DB.OrderNumbers). A contact absent has no orders.
func (s *Service) orderNumbers(ctx context.Context, req SendRequest, list []*contacts.Contact) (map[string]string, error) {
	if req.OrderID != "" {
		if len(list) != 1 || req.Group != "" {
			return nil, invalid("order_id: only for a message to one client")
		}
		o, err := s.db.Order(ctx, req.OrderID)
		if contacts.ErrorCode(err) == contacts.ENotFound || (err == nil && o.ContactID != list[0].ID) {
			return nil, invalid("order_id: not an order of this client")
		}
		if err != nil {
			return nil, err
		}
		return map[string]string{list[0].ID: o.Number}, nil
	}
	if req.Literal || !strings.Contains(req.Text+req.Subject+req.HTML, "{order}") {
		return nil, nil
	}
	ids := make([]string, len(list))
	for i, c := range list {
		ids[i] = c.ID
	}
	return s.db.OrderNumbers(ctx, ids)
}

// FieldsFor are contact c's values for the template placeholders, as a
// send to c fills them ({order}: c's most recent open order's number).
func (s *Service) FieldsFor(ctx context.Context, c *contacts.Contact, staff string) (messages.Fields, error) {
	numbers, err := s.db.OrderNumbers(ctx, []string{c.ID})
	if err != nil {
		return nil, err
	}
	return Fields(c, staff, numbers[c.ID]), nil
}

// Fields are a contact's values for the template placeholders. order is
// the number {order} stands for (an order of theirs, see orderNumbers);
// when it is empty (the contact has no orders), {order} is the contact's
// own "Order" field, as before the orders module.
func Fields(c *contacts.Contact, staff, order string) messages.Fields {
	first := c.GivenName
	if first == "" {
		first, _, _ = strings.Cut(c.Name(), " ")
	}
	for _, cf := range c.Custom {
		if order != "" {
			break
		}
		if k := strings.ToLower(cf.Key); k == "order" || k == "order number" || k == "заказ" || k == "ordine" {
			order = cf.Value
		}
	}
	return messages.Fields{"name": c.Name(), "first_name": first, "company": c.Company, "stage": c.Stage, "order": order, "staff": staff}
}

// Start stores a planned send (one message or a group send) and wakes the
// dispatcher. A group send (more than one recipient, or a group) gets a
// send id; one message to one contact is a single message.
func (s *Service) Start(ctx context.Context, req SendRequest, staff string) (*Preview, error) {
	p, msgs, err := s.Plan(ctx, req, staff)
	if err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, contacts.Errorf(contacts.EInvalid, "nobody to send to: %s", p.Note)
	}
	if req.Group == "" && len(req.ContactIDs) == 1 {
		if err := s.db.AddMessage(ctx, msgs[0]); err != nil {
			return nil, err
		}
		p.SendID = ""
		s.poke()
		return p, nil
	}
	skipped, _ := json.Marshal(p.Skipped)
	send := sqlite.MessageSend{ID: contacts.NewID(), Channel: req.Channel, CreatedBy: staff, Subject: req.Subject, Text: req.Text, Skipped: string(skipped), Finish: p.Finish}
	if err := s.db.AddSend(ctx, send, msgs); err != nil {
		return nil, err
	}
	p.SendID = send.ID
	s.poke()
	return p, nil
}

const templatesKey = "message_templates"

// Templates returns the office's message templates.
func (s *Service) Templates(ctx context.Context) ([]messages.Template, error) {
	var ts []messages.Template
	if _, err := s.db.Setting(ctx, templatesKey, &ts); err != nil {
		return nil, err
	}
	if ts == nil {
		ts = []messages.Template{}
	}
	return ts, nil
}

// SetTemplates replaces the office's message templates.
func (s *Service) SetTemplates(ctx context.Context, ts []messages.Template) error {
	return SaveTemplates(ctx, s.db, ts)
}

// SaveTemplates validates and stores the office's message templates in db
// (SetTemplates, and the demo data's at its load).
func SaveTemplates(ctx context.Context, db *sqlite.DB, ts []messages.Template) error {
	if err := messages.ValidateTemplates(ts); err != nil {
		return invalid("%s", err.Error())
	}
	return db.SetSetting(ctx, templatesKey, ts)
}
