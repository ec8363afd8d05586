package web

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/messages"
)

// The message templates page (admins): the office's SMS and e-mail
// templates listed, one added, edited or deleted, and the one in the form
// previewed filled for a client the admin picks. The templates are stored
// as one list (messaging.SaveTemplates validates it, as the office API's
// PUT /api/v1/office/message-templates does); a template is named by its
// name, language and channel, which are unique together.

// msgTplForm is the template being edited (Which is the stored one's
// "name|language|channel", "" for a new one) and its preview.
type msgTplForm struct {
	Which    string
	Template messages.Template
	Who      string // a search naming the client the preview is filled for
	// The preview: the client it is for and the filled subject and text.
	PreviewID, PreviewName string
	Subject, Text          string
	Segments               int
	PreviewErr             string
}

// msgTplData is the page's.
type msgTplData struct {
	Templates    []messages.Template
	Stages       []string
	Languages    []string
	Placeholders []string
	LangNames    map[string]string // each language in itself, as the settings page names them
	Form         msgTplForm
	Message      string
	Error        string
}

// msgTemplatesPage lists the templates with the one ?edit= names (or a new
// one) in the form, previewed for the client ?who= finds.
func (h *Handler) msgTemplatesPage(c *gin.Context) error {
	ts, err := h.b.MessageTemplates(c.Request.Context())
	if err != nil {
		return err
	}
	f := msgTplForm{Who: c.Query("who"), Template: messages.Template{Language: h.lang(c), Channel: messages.SMS}}
	if which := c.Query("edit"); which != "" {
		i := slices.IndexFunc(ts, func(t messages.Template) bool { return templateValue(t) == which })
		if i < 0 {
			return contacts.Errorf(contacts.ENotFound, "message template %q not found", which)
		}
		f.Which, f.Template = which, ts[i]
	}
	msg := ""
	if c.Query("saved") != "" {
		msg = T(h.lang(c), "settings.saved")
	}
	return h.renderMsgTemplates(c, http.StatusOK, ts, f, msg, "")
}

// renderMsgTemplates shows the page with the templates ts and the form f,
// filling f's preview.
func (h *Handler) renderMsgTemplates(c *gin.Context, status int, ts []messages.Template, f msgTplForm, message, errText string) error {
	ctx := c.Request.Context()
	p, err := h.b.Pipeline(ctx)
	if err != nil {
		return err
	}
	d := msgTplData{Templates: ts, Languages: messages.Languages, Placeholders: messages.Placeholders, LangNames: langNames, Message: message, Error: errText}
	d.Stages = append(append(d.Stages, p.Stages...), p.Lost)
	if s := f.Template.Stage; s != "" && !slices.Contains(d.Stages, s) {
		d.Stages = append(d.Stages, s) // a stage since removed from the pipeline: kept, shown
	}
	if err := h.fillTemplatePreview(c, &f); err != nil {
		return err
	}
	d.Form = f
	return h.render(c, status, "msgtemplates", d)
}

// fillTemplatePreview fills f's template for the client f.Who finds (the
// most recently changed client when it is empty), as a send fills it
// (the backend's MessageFields, signed by the admin), with its SMS parts.
func (h *Handler) fillTemplatePreview(c *gin.Context, f *msgTplForm) error {
	ctx := c.Request.Context()
	var who *contacts.Contact
	if f.Who != "" {
		q := h.query(f.Who)
		q.Limit = 1
		hits, err := h.b.Search(ctx, q)
		if err != nil {
			return err
		}
		if len(hits) == 0 {
			f.PreviewErr = T(h.lang(c), "mtpl.nobody", f.Who)
			return nil
		}
		who = hits[0].Contact
	} else {
		var err error
		if who, err = h.b.SampleContact(ctx, ""); contacts.ErrorCode(err) == contacts.ENotFound {
			f.PreviewErr = T(h.lang(c), "mtpl.nocontacts")
			return nil
		} else if err != nil {
			return err
		}
	}
	f.PreviewID, f.PreviewName = who.ID, who.Name()
	if f.Template.Text == "" {
		return nil
	}
	fields, err := h.b.MessageFields(ctx, who, currentSession(c).User.Name)
	if err != nil {
		return err
	}
	text, err := messages.Fill(f.Template.Text, fields)
	if err == nil {
		f.Subject, err = messages.Fill(f.Template.Subject, fields)
	}
	if err != nil {
		f.PreviewErr = errText(h.lang(c), contacts.Errorf(contacts.EInvalid, "%s", err.Error()))
		return nil
	}
	f.Text = text
	if f.Template.Channel == messages.SMS {
		f.Segments = messages.Segments(text).Segments
	}
	return nil
}

// saveMsgTemplate saves (action=save), deletes (action=delete) or only
// previews (action=preview) the posted template. A template that does not
// validate is shown again with the reason, in the page's language, and
// nothing is stored.
func (h *Handler) saveMsgTemplate(c *gin.Context) error {
	ctx := c.Request.Context()
	ts, err := h.b.MessageTemplates(ctx)
	if err != nil {
		return err
	}
	f := msgTplForm{Which: c.PostForm("which"), Who: trim(c.PostForm("who")), Template: messages.Template{
		Name: trim(c.PostForm("name")), Language: c.PostForm("language"), Channel: c.PostForm("channel"),
		Stage: c.PostForm("stage"), Subject: trim(c.PostForm("subject")), Text: c.PostForm("text")}}
	if f.Template.Channel != messages.Email {
		f.Template.Subject = "" // an SMS has none
	}
	at := -1
	if f.Which != "" {
		if at = slices.IndexFunc(ts, func(t messages.Template) bool { return templateValue(t) == f.Which }); at < 0 {
			return contacts.Errorf(contacts.ENotFound, "message template %q not found", f.Which)
		}
	}
	action := c.PostForm("action")
	if action == "preview" {
		status, errText := http.StatusOK, ""
		if err := messages.ValidateTemplates([]messages.Template{f.Template}); err != nil {
			status, errText = http.StatusUnprocessableEntity, h.templateErr(c, err)
		}
		return h.renderMsgTemplates(c, status, ts, f, "", errText)
	}
	next := slices.Clone(ts)
	switch {
	case action == "delete" && at >= 0:
		next = slices.Delete(next, at, at+1)
	case action == "delete":
		return contacts.Errorf(contacts.EInvalid, "which: choose a template to delete")
	case at >= 0:
		next[at] = f.Template
	default:
		next = append(next, f.Template)
	}
	if err := h.b.SetMessageTemplates(ctx, next); err != nil {
		if h.status(err) >= 500 {
			return err
		}
		return h.renderMsgTemplates(c, http.StatusUnprocessableEntity, ts, f, "", h.templateErr(c, err))
	}
	h.log.Info("message templates saved", "by", currentSession(c).User.Login, "action", action, "template", templateValue(f.Template))
	to := "/settings/messages?saved=1"
	if action != "delete" {
		to += "&edit=" + url.QueryEscape(templateValue(f.Template))
	}
	if f.Who != "" {
		to += "&who=" + url.QueryEscape(f.Who)
	}
	return redirect(c, to)
}

// tplIndexRE is where a template error names the template in the list
// ("templates[3]: "): the page edits one, so it is left out.
var tplIndexRE = regexp.MustCompile(`^templates\[\d+\](?:: |\.)`)

// templateErr words a template's validation error in the page's language
// (an unknown placeholder and a second template of one name in every
// language, English too: the list index means nothing on this page).
func (h *Handler) templateErr(c *gin.Context, err error) string {
	if !errors.As(err, new(*contacts.Error)) { // messages.ValidateTemplates' own error
		err = contacts.Errorf(contacts.EInvalid, "%s", err.Error())
	}
	code := contacts.ErrorCode(err)
	msg := tplIndexRE.ReplaceAllString(contacts.ErrorMessage(err), "")
	lang := h.lang(c)
	for _, r := range errRules {
		if r.key != "err.placeholder" && r.key != "err.tpltwice" {
			continue
		}
		if m := r.re.FindStringSubmatch(msg); m != nil {
			args := make([]any, 0, len(m)-1)
			for _, a := range m[1:] {
				args = append(args, errArg(lang, a))
			}
			return T(lang, r.key, args...)
		}
	}
	return errText(lang, contacts.Errorf(code, "%s", msg))
}

// langNames are the office's languages, each named in itself.
var langNames = map[string]string{"en": "English", "ru": "Русский", "it": "Italiano"}

// msgTplWords are the page's words.
var msgTplWords = map[string][3]string{
	"mtpl.title": {"Message templates", "Шаблоны сообщений", "Modelli di messaggio"},
	"mtpl.help":  {"SMS and e-mail texts staff pick when writing to a client. A template tied to a stage is offered when a client moves to it.", "Тексты СМС и писем, которые сотрудники выбирают, когда пишут клиенту. Шаблон, привязанный к этапу, предлагается, когда клиент переходит на этот этап.", "Testi di SMS ed e-mail che lo staff sceglie quando scrive a un cliente. Un modello legato a una fase viene proposto quando un cliente passa a quella fase."},
	"mtpl.order": {"{order} is an order number: the order moved when offered on an order's stage move, otherwise the client's most recent open order (or most recent order); a client without orders gets their \"Order\" field.",
		"{order} — номер заказа: заказа, переведённого на этап, когда шаблон предложен при переводе заказа, иначе последнего открытого (или просто последнего) заказа клиента; у клиента без заказов — его поле «Заказ».",
		"{order} è il numero d'ordine: dell'ordine spostato quando il modello è proposto al cambio di fase di un ordine, altrimenti dell'ultimo ordine aperto (o dell'ultimo ordine) del cliente; per un cliente senza ordini, il suo campo \"Ordine\"."},
	"mtpl.none":       {"No message templates yet.", "Шаблонов сообщений пока нет.", "Ancora nessun modello di messaggio."},
	"mtpl.name":       {"Name", "Название", "Nome"},
	"mtpl.channel":    {"Channel", "Канал", "Canale"},
	"mtpl.language":   {"Language", "Язык", "Lingua"},
	"mtpl.stage":      {"Offered on the stage", "Предлагать на этапе", "Proposto nella fase"},
	"mtpl.nostage":    {"none", "нет", "nessuna"},
	"mtpl.edit":       {"Edit", "Изменить", "Modifica"},
	"mtpl.new":        {"New template", "Новый шаблон", "Nuovo modello"},
	"mtpl.editing":    {"Edit the template", "Изменить шаблон", "Modifica il modello"},
	"mtpl.save":       {"Save template", "Сохранить шаблон", "Salva modello"},
	"mtpl.delete":     {"Delete", "Удалить", "Elimina"},
	"mtpl.who":        {"Preview for the client (name, number, company)", "Предпросмотр для клиента (имя, номер, компания)", "Anteprima per il cliente (nome, numero, azienda)"},
	"mtpl.previewfor": {"Filled for", "Заполнено для", "Compilato per"},
	"mtpl.nobody":     {"No client found for %q.", "Клиент по запросу «%s» не найден.", "Nessun cliente trovato per %q."},
	"mtpl.nocontacts": {"No clients yet to preview with.", "Пока нет клиентов для предпросмотра.", "Ancora nessun cliente per l'anteprima."},
	"mtpl.link":       {"Message templates", "Шаблоны сообщений", "Modelli di messaggio"},
	"err.placeholder": {"The text uses an unknown placeholder {%s}: use one of %s.", "В тексте неизвестная подстановка {%s}: используйте одну из %s.", "Il testo usa un segnaposto sconosciuto {%s}: usa uno tra %s."},
	"err.tpltwice":    {"There is already a %s template %q in %s.", "Шаблон (%s) «%s» на языке %s уже есть.", "Esiste già un modello %s %q in %s."},
}
