/*
 * The words the booklets print of their own, not taken from the content:
 * the one place for them, in the PDFs (booklets, leaflets, their imposed
 * files and Info dictionaries) and in their print pages: appendix titles,
 * a document's details, the page references a link gets on paper, the
 * cover, contents and colophon, the leaflets' printer notes. Booklets are
 * in French, as the content is; the texts the program says to its user are
 * translated through po/ instead.
 *
 * Texts that go through typo_apply (the details, everything drawn with
 * lay_text, the colophon's paragraphs, the Info titles) are written with
 * plain spaces: the typography puts the no-break spaces in. Texts written
 * raw carry their own (« p. 14 » with U+00A0). \x01 and \x02 mark the
 * part of a page reference that links to the page (tb_set_pending).
 */
#ifndef FICHES_LAYOUT_WORDS_H
#define FICHES_LAYOUT_WORDS_H

/* The months, for the dates of an edition (« Édition de mars 2024 »). */
#define WORDS_MONTHS                                                                         \
	"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", \
		"octobre", "novembre", "décembre"

/* Appendices: the kicker of their band, and their titles. */
#define WORDS_APPENDIX "Annexe"
#define WORDS_GLOSSARY "Sigles et abréviations"
#define WORDS_CONTACTS "Contacts"
#define WORDS_BIBLIOGRAPHY "Bibliographie"

/* A numbered document's details, under its summary. */
#define WORDS_CARRIER "Porteur : %s"
#define WORDS_SINCE "Depuis %d"
#define WORDS_PUBLICS "Publics : "
#define WORDS_TERRITORIES "Territoires : "
#define WORDS_DETAILS_SEP " · "

/* Headings a document gets after its text. */
#define WORDS_NOTES "Notes"
#define WORDS_HOW_TO_CONTACT "Pour prendre contact"
#define WORDS_ONLINE "Cette fiche en ligne\u00a0: "

/*
 * The kicker of an ordered document without a part, and the title of the
 * complete guide, in a site without a title.
 */
#define WORDS_GUIDE "Guide"

/* The title of a `fiches booklet` selection given none. */
#define WORDS_SELECTION "Sélection de fiches"

/* A booklet's cover (under the subtitle), contents, notes and colophon. */
#define WORDS_EDITION "Édition de %s %d"
#define WORDS_SITE_QR "QR code du site"
#define WORDS_CONTENTS "Sommaire"
#define WORDS_COLOPHON "Colophon"

/* The colophon's paragraphs (colophon.c), in this order. */
#define WORDS_COLOPHON_DATE "Informations %s : à vérifier avant de réimprimer ce livret."
#define WORDS_COLOPHON_CREDITS "Source et crédits : %s"
#define WORDS_COLOPHON_LICENCE "Licence : %s"
#define WORDS_COLOPHON_NO_LICENCE \
	"Licence : aucune n'est indiquée ; les textes restent la propriété de leurs auteurs."
#define WORDS_COLOPHON_MADE "Livret composé par le programme fiches à partir des fiches et du guide du site"
#define WORDS_COLOPHON_EDITION ", édition de %s %d"
#define WORDS_COLOPHON_ONLINE "En ligne\u00a0: %s"

/* An imposed file, for the printer: its title and the keywords of its Info dictionary. */
#define WORDS_IMPOSED_TITLE "%s (imposé pour l’impression)"
#define WORDS_IMPOSED_KEYWORDS                                          \
	"imposition, fichier pour l’imprimeur, non balisé\u00a0: " \
	"pour lire ou pour l’accessibilité, prendre le PDF non imposé"

/* Leaflets (fold.c): a contact's phone, the date of the content, the site's address. */
#define WORDS_FOLD_PHONE "Tél. %s"
#define WORDS_FOLD_DATE "Informations de %s %d"
#define WORDS_FOLD_ONLINE "Les fiches, le guide et les livrets à imprimer, en ligne :\n%s"
#define WORDS_FOLD_QR "QR code : %s"

/* A three-panel leaflet's file for the printer: its title, the note under each side. */
#define WORDS_FOLD_MARKS_TITLE "%s (traits de coupe et de pli, pour l’imprimeur)"
#define WORDS_FOLD_OUTSIDE "Page 1 : côté extérieur"
#define WORDS_FOLD_INSIDE "Page 2 : côté intérieur"
#define WORDS_FOLD_DUPLEX_NOTE                                                                      \
	"Dépliant A4 roulé en trois volets. Impression recto verso : retourner sur le bord court. " \
	"Page 1 : côté extérieur (rabat, dos, couverture) ; page 2 : côté intérieur. "              \
	"Plis à 97 mm et 197 mm du bord gauche du côté extérieur ; le rabat de 97 mm se replie "    \
	"à l’intérieur."

/* An A5 plaquette's note (its Info keywords). */
#define WORDS_PLAQUETTE_NOTE                                                   \
	"Plaquette A5 : quatre pages (couverture, deux pages intérieures, dos) ; " \
	"le fichier -imposee.pdf les met sur une feuille A4 recto verso, "         \
	"à retourner sur le bord court, puis à plier en deux."

/* The alternative text of a fiche's QR code. */
#define WORDS_FICHE_QR "QR code de la fiche en ligne"

/*
 * A link to a document of the same booklet: the page when the link's text
 * names the fiche, else the fiche and its page, else the page.
 */
#define WORDS_PAGE ", \x01p.\u00a0%d\x02"
#define WORDS_SEE_NUMBERED " (\x01voir %s %d, p.\u00a0%d\x02)"
#define WORDS_SEE_PAGE " (\x01voir p.\u00a0%d\x02)"

/*
 * How a link's text may name a numbered fiche before its number (« fiche
 * 10 », « fiche-action 10 »), besides the kind's own label; lower case.
 */
#define WORDS_FICHE_NAMES "fiche", "fiche action", "fiche-action", "fiche thématique"

#endif
