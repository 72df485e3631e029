/*
 * The words the booklets print of their own, not taken from the content:
 * appendix titles, a document's details, the page references a link gets
 * on paper. Booklets are in French, as the content is; the texts the
 * program says to its user are translated through po/ instead.
 *
 * Texts that go through typo_apply (the details) are written with plain
 * spaces: the typography puts the no-break spaces in. Texts written raw
 * carry their own (« p. 14 » with U+00A0). \x01 and \x02 mark the part
 * of a page reference that links to the page (tb_set_pending).
 */
#ifndef FICHES_LAYOUT_WORDS_H
#define FICHES_LAYOUT_WORDS_H

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

/* The kicker of an ordered document without a part, in a site without a title. */
#define WORDS_GUIDE "Guide"

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
