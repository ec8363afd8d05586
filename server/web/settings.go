package web

import (
	"fmt"
	"html/template"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/ringcard/ringcard/contacts"
	"github.com/ringcard/ringcard/contacts/sqlite"
)

// tplForm is one card template as the settings page edits it.
type tplForm struct {
	Which                         string // "default", a group template's index, or "new"
	Name, Group, Fields           string
	NoteMax, HistoryMax           int
	Background, Accent, Text      string
	NameSize, FieldSize, NoteSize int
	Preview                       template.HTML
}

type settingsData struct {
	Admin     bool // staff see only their own language
	Lang      string
	Templates []tplForm
	Groups    []string
	FieldKeys []contacts.FieldSpec
	Users     []*sqlite.User
	Attempts  []sqlite.LoginAttempt
	Sync      SyncStatus
	Conflicts []conflictRow
	Message   string
	Error     string
}

func tplFormOf(lang, which string, t contacts.Template) tplForm {
	f := tplForm{Which: which, Name: t.Name, Group: t.Group, NoteMax: t.NoteMax, HistoryMax: t.HistoryMax,
		Background: orDefault(t.Style.Background, "#FFFFFF"), Accent: orDefault(t.Style.Accent, "#1565C0"), Text: orDefault(t.Style.Text, "#212121"),
		NameSize: t.Style.NameSize, FieldSize: t.Style.FieldSize, NoteSize: t.Style.NoteSize}
	var lines []string
	for _, fs := range t.Fields {
		line := fs.Key + " | " + fieldLabel(lang, fs.Key, fs.Label) // a default label in the user's language
		if fs.Color != "" || fs.Size > 0 {
			line += " | " + fs.Color
		}
		if fs.Size > 0 {
			line += " | " + strconv.Itoa(fs.Size)
		}
		lines = append(lines, line)
	}
	f.Fields = strings.Join(lines, "\n")
	return f
}

// readTemplate reads a posted template form.
func readTemplate(c *gin.Context) (contacts.Template, error) {
	num := func(name string) int { n, _ := strconv.Atoi(strings.TrimSpace(c.PostForm(name))); return n }
	t := contacts.Template{Name: trim(c.PostForm("name")), Group: trim(c.PostForm("group")), NoteMax: num("note_max"), HistoryMax: num("history_max"),
		Style: contacts.Style{Background: strings.ToUpper(trim(c.PostForm("background"))), Accent: strings.ToUpper(trim(c.PostForm("accent"))),
			Text: strings.ToUpper(trim(c.PostForm("text"))), NameSize: num("name_size"), FieldSize: num("field_size"), NoteSize: num("note_size")}}
	for _, line := range nonEmptyLines(c.PostForm("fields")) {
		p := splitBar(line, 4)
		fs := contacts.FieldSpec{Key: p[0], Label: p[1], Color: strings.ToUpper(p[2])}
		if p[3] != "" {
			n, err := strconv.Atoi(p[3])
			if err != nil || n < 0 || n > 60 {
				return t, contacts.Errorf(contacts.EInvalid, "fields: size %q is not a number from 1 to 60", p[3])
			}
			fs.Size = n
		}
		if fs.Label == "" {
			fs.Label = fs.Key
		}
		t.Fields = append(t.Fields, fs)
	}
	return t, nil
}

// withTemplate returns the office's templates with the posted one put in
// the slot `which` names (or removed when remove is set).
func withTemplate(all contacts.Templates, which string, t contacts.Template, remove bool) (contacts.Templates, error) {
	all.Groups = append([]contacts.Template(nil), all.Groups...)
	switch which {
	case "default":
		t.Group = ""
		all.Default = t
	case "new":
		all.Groups = append(all.Groups, t)
	default:
		i, err := strconv.Atoi(which)
		if err != nil || i < 0 || i >= len(all.Groups) {
			return all, contacts.Errorf(contacts.EInvalid, "which: no template %q", which)
		}
		if remove {
			all.Groups = append(all.Groups[:i], all.Groups[i+1:]...)
		} else {
			all.Groups[i] = t
		}
	}
	return all, all.Validate()
}

func (h *Handler) settingsPage(c *gin.Context) error {
	return h.renderSettings(c, http.StatusOK, c.Query("saved"), "")
}

func (h *Handler) renderSettings(c *gin.Context, status int, message, errText string) error {
	ctx := c.Request.Context()
	u := currentSession(c).User
	d := settingsData{Admin: u.IsAdmin(), Lang: u.Lang, Error: errText}
	if message != "" {
		d.Message = T(h.lang(c), "settings.saved")
	}
	if !d.Admin {
		return h.render(c, status, "settings", d)
	}
	d.FieldKeys, d.Sync = contacts.KnownFields, h.syncStatus(ctx)
	lang, all := h.lang(c), h.b.Templates()
	forms := []tplForm{tplFormOf(lang, "default", all.Default)}
	for i, g := range all.Groups {
		forms = append(forms, tplFormOf(lang, strconv.Itoa(i), g))
	}
	blank := contacts.DefaultTemplates().Default
	blank.Name, blank.Group = "", ""
	forms = append(forms, tplFormOf(lang, "new", blank))
	for i := range forms {
		tpl := all
		group := ""
		if forms[i].Which != "default" {
			group = forms[i].Group
		}
		if forms[i].Which == "new" {
			tpl.Default = blank
		}
		html, err := h.preview(c, tpl, group)
		if err != nil {
			return err
		}
		forms[i].Preview = html
	}
	d.Templates = forms
	var err error
	if d.Groups, err = h.b.Groups(ctx); err != nil {
		return err
	}
	if d.Users, err = h.b.Users(ctx); err != nil {
		return err
	}
	if d.Attempts, err = h.b.LoginAttempts(ctx, 15); err != nil {
		return err
	}
	if d.Conflicts, err = h.openConflicts(c); err != nil {
		return err
	}
	return h.render(c, status, "settings", d)
}

// preview renders the phone card of a contact of group with templates t.
func (h *Handler) preview(c *gin.Context, t contacts.Templates, group string) (template.HTML, error) {
	ctx := c.Request.Context()
	sample, err := h.b.SampleContact(ctx, group)
	if contacts.ErrorCode(err) == contacts.ENotFound {
		sample = &contacts.Contact{ID: "preview", DisplayName: "Maria Rossi", Company: "Rossi srl", Stage: "quoted", Groups: []string{group},
			Numbers: []contacts.Number{{Raw: "+39 06 1234 5678", Type: "work"}}, Note: "…"}
		if group == "" {
			sample.Groups = nil
		}
	} else if err != nil {
		return "", err
	}
	card, err := h.b.PreviewCard(ctx, t, sample)
	if err != nil {
		return "", err
	}
	s, err := h.renderFragment(c, "card", card)
	return template.HTML(s), err // html/template output: already escaped
}

// previewCard answers the settings page's live preview: the card a posted,
// unsaved template gives.
func (h *Handler) previewCard(c *gin.Context) error {
	t, err := readTemplate(c)
	if err != nil {
		return err
	}
	which := c.PostForm("which")
	all, err := withTemplate(h.b.Templates(), which, t, false)
	if err != nil {
		return err
	}
	html, err := h.preview(c, all, t.Group)
	if err != nil {
		return err
	}
	c.Header("Cache-Control", "no-store")
	c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(html))
	return nil
}

func (h *Handler) saveTemplate(c *gin.Context) error {
	t, err := readTemplate(c)
	if err == nil {
		var all contacts.Templates
		all, err = withTemplate(h.b.Templates(), c.PostForm("which"), t, c.PostForm("action") == "delete")
		if err == nil {
			err = h.b.SetTemplates(c.Request.Context(), all)
		}
	}
	if err != nil {
		if h.status(err) >= 500 {
			return err
		}
		return h.renderSettings(c, http.StatusUnprocessableEntity, "", errText(h.lang(c), err))
	}
	h.log.Info("card templates saved", "by", currentSession(c).User.Login)
	return redirect(c, "/settings?saved=1#templates")
}

func (h *Handler) setLanguage(c *gin.Context) error {
	lang := c.PostForm("lang")
	if lang != "" && !contains(Langs, lang) {
		return contacts.Errorf(contacts.EInvalid, "lang: one of %s", strings.Join(Langs, ", "))
	}
	if err := h.b.SetUserLang(c.Request.Context(), currentSession(c).User.Login, lang); err != nil {
		return err
	}
	return redirect(c, "/settings?saved=1")
}

func (h *Handler) addUser(c *gin.Context) error {
	role := c.DefaultPostForm("role", sqlite.RoleStaff)
	hash, err := HashPassword(c.PostForm("password"), h.cfg.MinPassword)
	if err == nil {
		err = h.b.AddUser(c.Request.Context(), &sqlite.User{Login: c.PostForm("login"), Name: c.PostForm("name"), PasswordHash: hash, Role: role})
	}
	return h.settingsResult(c, err)
}

func (h *Handler) setRole(c *gin.Context) error {
	return h.settingsResult(c, h.b.SetUserRole(c.Request.Context(), c.Param("login"), c.PostForm("role")))
}

func (h *Handler) unlockUser(c *gin.Context) error {
	return h.settingsResult(c, h.b.UnlockUser(c.Request.Context(), c.Param("login")))
}

func (h *Handler) disableUser(c *gin.Context) error {
	if c.Param("login") == currentSession(c).User.Login {
		return h.settingsResult(c, contacts.Errorf(contacts.EInvalid, "you cannot disable your own account"))
	}
	return h.settingsResult(c, h.b.SetUserDisabled(c.Request.Context(), c.Param("login"), true))
}

func (h *Handler) enableUser(c *gin.Context) error {
	return h.settingsResult(c, h.b.SetUserDisabled(c.Request.Context(), c.Param("login"), false))
}

// setPassword sets an account's password: its sessions end and its
// browsers' device cookies stop counting. An admin setting their own keeps
// the session doing it, and this browser gets a device cookie for the new
// credentials.
func (h *Handler) setPassword(c *gin.Context) error {
	ctx := c.Request.Context()
	sess, login := currentSession(c), c.Param("login")
	own := strings.EqualFold(login, sess.User.Login)
	keep := ""
	if own {
		keep = sess.TokenHash
	}
	hash, err := HashPassword(c.PostForm("password"), h.cfg.MinPassword)
	if err == nil {
		err = h.b.SetUserPassword(ctx, login, hash, keep)
	}
	if err == nil && own {
		err = h.trustThisBrowser(c, sess.User.Login)
	}
	return h.settingsResult(c, err)
}

func (h *Handler) settingsResult(c *gin.Context, err error) error {
	if err == nil {
		return redirect(c, "/settings?saved=1#users")
	}
	if h.status(err) >= 500 {
		return fmt.Errorf("settings: %w", err)
	}
	return h.renderSettings(c, http.StatusUnprocessableEntity, "", errText(h.lang(c), err))
}
