/*
 * gencorpus: writes a synthetic but complete project in the fiches format,
 * and the same fiches as a Hugo site, so that both tools can be timed on
 * identical input.
 *
 *   gencorpus N OUTDIR [SEED]
 *
 * N fiches: N*0.8 fiches-actions, the rest fiches-thematiques; ~N/10
 * contacts, ~50 sigles, a few guide chapters. Every cross-reference points
 * to something that exists, so the corpus builds without errors.
 *
 * Output is a pure function of (N, SEED): one PRNG (splitmix64), consumed in
 * a fixed order, and no dependence on the clock, locale or environment.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* ---- PRNG -------------------------------------------------------------- */

static uint64_t rng_state;

/* splitmix64: tiny, good enough statistically, identical on every platform. */
static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static unsigned rn(unsigned n) { return n ? (unsigned)(rnd() % n) : 0; }
static unsigned range(unsigned lo, unsigned hi) { return lo + rn(hi - lo + 1); }
static int chance(unsigned pct) { return rn(100) < pct; }
#define PICK(a) ((a)[rn(COUNT(a))])

/* ---- growable buffer --------------------------------------------------- */

struct buf {
	char *p;
	size_t n, cap;
};

static void die(const char *msg)
{
	fprintf(stderr, "gencorpus: %s: %s\n", msg, strerror(errno));
	exit(1);
}

static void bgrow(struct buf *b, size_t extra)
{
	if (b->n + extra + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 256;
	while (cap < b->n + extra + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		die("out of memory");
	b->p = p;
	b->cap = cap;
}

static void bput(struct buf *b, const char *s, size_t len)
{
	bgrow(b, len);
	memcpy(b->p + b->n, s, len);
	b->n += len;
	b->p[b->n] = '\0';
}

static void bputs(struct buf *b, const char *s) { bput(b, s, strlen(s)); }

static void bprintf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int len = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	bgrow(b, (size_t)len);
	va_start(ap, fmt);
	vsnprintf(b->p + b->n, (size_t)len + 1, fmt, ap);
	va_end(ap);
	b->n += (size_t)len;
}

static void breset(struct buf *b)
{
	b->n = 0;
	if (b->p)
		b->p[0] = '\0';
}

static char *xstrdup(const char *s)
{
	char *d = strdup(s);
	if (!d)
		die("out of memory");
	return d;
}

/* ---- files ------------------------------------------------------------- */

static void mkdirs(const char *path)
{
	char tmp[4096];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
			die(tmp);
		*p = '/';
	}
	if (mkdir(tmp, 0755) != 0 && errno != EEXIST)
		die(tmp);
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		die(path);
	if (fwrite(data, 1, len, f) != len || fclose(f) != 0)
		die(path);
}

/* DIR/REL. */
static void write_in(const char *dir, const char *rel, const char *data, size_t len)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	write_file(path, data, len);
}

/* A data file of fiches' tree, content/NAME; B is let go. */
static void write_data(const char *dir, const char *name, struct buf *b)
{
	char rel[256];
	snprintf(rel, sizeof rel, "content/%s", name);
	write_in(dir, rel, b->p, b->n);
	free(b->p);
}

/* A page both trees read as it is: content/REL and hugo/content/REL. */
static void write_both(const char *dir, const char *rel, const struct buf *b)
{
	char path[1024];
	snprintf(path, sizeof path, "content/%s", rel);
	write_in(dir, path, b->p, b->n);
	snprintf(path, sizeof path, "hugo/content/%s", rel);
	write_in(dir, path, b->p, b->n);
}

/* ---- vocabulary -------------------------------------------------------- */

/* Noun phrases carry their article so that sentences read as French
 * without a gender table; "de"/"à" contractions are applied on use. */
static const char *const np_words[] = {
	"le quartier", "la cité", "les habitants", "l'habitant", "les familles", "la famille",
	"les jeunes", "le jeune", "les parents", "la mère", "le père", "les enfants",
	"l'école", "le collège", "le lycée", "les éducateurs", "l'éducateur", "la santé",
	"le centre social", "l'association", "les associations", "le réseau", "les réseaux",
	"le territoire", "les territoires", "la prévention", "la réduction des risques",
	"les usagers", "l'usager", "la consommation", "les produits", "le cannabis",
	"la cocaïne", "les seringues", "le matériel", "les traces", "l'environnement",
	"le bailleur", "les bailleurs", "le logement", "les logements", "l'immeuble",
	"le hall", "les halls", "la cage d'escalier", "les espaces verts", "la voirie",
	"la police", "la justice", "la mairie", "la ville", "l'État", "les institutions",
	"les élus", "le préfet", "le département", "la région", "la politique de la ville",
	"le dispositif", "les dispositifs", "la démarche", "le projet", "les projets",
	"l'action", "les actions", "l'atelier", "les ateliers", "la formation",
	"les formations", "la réunion", "les réunions", "le comité", "le collectif",
	"la parole", "la parole collective", "l'expertise", "le savoir", "les savoirs",
	"la confiance", "la peur", "la violence", "les violences", "le deuil",
	"la souffrance", "l'isolement", "la solidarité", "la médiation", "le médiateur",
	"les médiateurs", "l'accompagnement", "le suivi", "l'orientation", "l'insertion",
	"la scolarité", "la qualification", "l'emploi", "le chômage", "la débrouille",
	"l'économie", "l'argent", "le travail", "le guetteur", "les guetteurs",
	"le trafic", "les trafics", "le point de vente", "les points de vente",
	"l'adolescence", "l'identité", "le corps", "le risque", "les risques",
	"la question", "les questions", "le questionnement", "la réponse", "les réponses",
	"le constat", "les constats", "l'outil", "les outils", "la méthode",
	"les méthodes", "le diagnostic", "l'observation", "l'enquête", "le rapport",
	"le guide", "la fiche", "les fiches", "le partenariat", "les partenaires",
	"la coordination", "le coordinateur", "la coordinatrice", "les professionnels",
	"le professionnel", "l'intervenant", "les intervenants", "le travailleur social",
	"les travailleurs sociaux", "l'infirmière", "le médecin", "la pharmacie",
	"l'hôpital", "les urgences", "la sortie", "le soir", "la nuit", "l'été",
	"la rentrée", "le marché", "la place", "le parc", "la plage", "le bus",
	"le métro", "la gare", "le stade", "la bibliothèque", "la maison de quartier",
	"le local", "la permanence", "l'accueil", "la rencontre", "les rencontres",
	"le récit", "les récits", "le film", "l'exposition", "le journal", "la radio",
	"la mémoire", "l'histoire", "le changement", "l'évolution", "la situation",
	"les situations", "le lien", "les liens", "le lien social", "la place des femmes",
};

static const char *const adjectives[] = {
	"collectif", "local", "social", "quotidien", "durable", "partagé", "concret",
	"commun", "précis", "réel", "fragile", "difficile", "nécessaire", "possible",
	"important", "discret", "visible", "invisible", "sensible", "pratique",
	"régulier", "ponctuel", "ancien", "nouveau", "premier", "dernier", "même",
	"différent", "particulier", "général", "public", "privé", "solidaire",
	"éducatif", "sanitaire", "juridique", "économique", "politique", "urbain",
	"familial", "scolaire", "professionnel", "institutionnel", "associatif",
	"innovant", "expérimental", "fréquent", "rare", "complexe", "simple",
	"entier", "précaire", "légitime", "prioritaire", "efficace", "modeste",
};

/* "singular|plural" present forms, chosen by the subject's article. */
static const char *const verbs[] = {
	"accompagne|accompagnent", "construit|construisent", "organise|organisent",
	"réunit|réunissent", "soutient|soutiennent", "écoute|écoutent",
	"rencontre|rencontrent", "observe|observent", "questionne|questionnent",
	"interroge|interrogent", "développe|développent", "renforce|renforcent",
	"favorise|favorisent", "permet|permettent", "facilite|facilitent",
	"transforme|transforment", "produit|produisent", "partage|partagent",
	"porte|portent", "anime|animent", "coordonne|coordonnent", "oriente|orientent",
	"informe|informent", "forme|forment", "mobilise|mobilisent",
	"associe|associent", "valorise|valorisent", "reconnaît|reconnaissent",
	"prend en compte|prennent en compte", "met en place|mettent en place",
	"fait émerger|font émerger", "rend visible|rendent visible",
	"connaît|connaissent", "rejoint|rejoignent", "protège|protègent",
	"expose|exposent", "fragilise|fragilisent", "décrit|décrivent",
	"explique|expliquent", "raconte|racontent", "dénonce|dénoncent",
	"évite|évitent", "subit|subissent", "vit|vivent", "travaille avec|travaillent avec",
	"s'appuie sur|s'appuient sur", "se saisit de|se saisissent de",
	"s'inscrit dans|s'inscrivent dans", "répond à|répondent à", "agit sur|agissent sur",
};

static const char *const infinitives[] = {
	"accompagner", "construire", "organiser", "réunir", "soutenir", "écouter",
	"rencontrer", "observer", "questionner", "développer", "renforcer", "favoriser",
	"transformer", "produire", "partager", "animer", "coordonner", "orienter",
	"informer", "former", "mobiliser", "associer", "valoriser", "reconnaître",
	"prendre en compte", "mettre en place", "faire émerger", "rendre visible",
	"protéger", "comprendre", "nommer", "évaluer", "prévenir", "réduire",
	"limiter", "accueillir", "rassurer", "impliquer", "relayer", "transmettre",
};

static const char *const adverbs[] = {
	"aujourd'hui", "souvent", "parfois", "rarement", "ensemble", "encore",
	"déjà", "toujours", "désormais", "surtout", "d'abord", "ensuite", "enfin",
	"peu à peu", "au quotidien", "sur le long terme", "depuis plusieurs années",
	"à chaque rencontre", "dans la durée", "avec prudence", "sans jugement",
	"très concrètement", "au fil des ateliers", "de manière informelle",
};

static const char *const openers[] = {
	"Dans ce contexte,", "Depuis 2012,", "Au départ,", "Concrètement,",
	"Pour autant,", "Par ailleurs,", "En pratique,", "De fait,", "Ainsi,",
	"Cependant,", "Dès lors,", "À l'inverse,", "En outre,", "Au fil du temps,",
	"Selon les participants,", "Lors des premières réunions,", "Chaque semaine,",
	"Dans le 13e arrondissement,", "Dans les quartiers nord,", "Le plus souvent,",
};

static const char *const speakers[] = {
	"Une mère explique", "Un éducateur raconte", "Une habitante dit",
	"Un jeune résume", "La coordinatrice rappelle", "Un animateur souligne",
	"Une infirmière précise", "Un père confie", "Une élue reconnaît",
};

static const char *const places[] = {
	"à Marseille", "dans le 13e", "dans le 14e", "dans le 15e", "dans le 16e",
	"au centre social", "dans les cités", "au pied des immeubles", "en ville",
	"à l'école", "dans le quartier", "sur le territoire", "au XXIe siècle",
};

static const char *const units[] = {"km", "m", "heures", "semaines", "mois", "ans", "€", "places"};

/* ---- fixed ids (docs/CONTENT-IDS.md) ----------------------------------- */

static const struct { const char *id, *label, *colour; } logics[] = {
	{"mobilisation-professionnels", "Mobilisation des professionnels", "#1f5f8b"},
	{"mobilisation-habitants", "Mobilisation des habitants", "#1d6b4f"},
	{"intervention-rdrd", "Intervention en réduction des risques et des dommages", "#8a3b12"},
	{"parcours-jeunes", "Accompagnement du parcours des jeunes", "#6b3fa0"},
	{"gestion-traces", "Gestion des traces matérialisées et lien avec l'environnement", "#5b6b1d"},
	{"soutien-familles", "Soutien aux familles et proches victimes de la violence des réseaux", "#a0284b"},
};

static const struct { const char *id, *label, *desc; } publics[] = {
	{"habitants", "Habitants", "Vous vivez dans un quartier touché par les trafics."},
	{"parents", "Parents", "Votre enfant est exposé aux réseaux ou en a été victime."},
	{"jeunes", "Jeunes", "Vous avez entre 12 et 25 ans et vous voulez comprendre."},
	{"professionnels", "Professionnels", "Vous travaillez sur ces territoires."},
	{"elus-institutions", "Élus et institutions", "Vous décidez, financez ou coordonnez."},
};

static const struct { const char *id, *label; } territories[] = {
	{"13e", "13e arrondissement"}, {"14e", "14e arrondissement"},
	{"15e", "15e arrondissement"}, {"16e", "16e arrondissement"},
	{"autres-territoires", "Autres territoires"},
};

static const char *const action_sections[] = {
	"Acteurs", "Objectifs", "Parmi les questionnements travaillés",
};

static const char *const theme_sections[] = {
	"De quoi s'agit-il ?",
	"Qui cela concerne ?",
	"Qu'est-ce que cela produit ?",
	"Comment faire ?",
	"Les méthodes et les outils",
	"Les conditions de mise en œuvre de l'action",
	"Exemples d'expériences et d'actions",
	"Ce qu'il faut savoir, ce que l'on doit questionner",
};

static const char *const statuses[] = {"active", "active", "active", "en-elaboration", "terminee"};

static const struct { const char *id, *expansion, *definition; } sigles[] = {
	{"CAARUD", "Centre d'accueil pour la réduction des risques (fiche de test)", "Un lieu où les usagers de drogues trouvent du matériel, des soins et de l'écoute."},
	{"CSAPA", "Centre de soins, d'accompagnement et de prévention en addictologie", "Un centre où l'on peut être soigné pour une addiction."},
	{"MILDECA", "Mission interministérielle de lutte contre les drogues et les conduites addictives", "Elle coordonne la politique publique en matière de drogues."},
	{"ARS", "Agence régionale de santé", "Elle pilote la santé publique dans la région."},
	{"CLSPD", "Conseil local de sécurité et de prévention de la délinquance", "Il réunit la ville, l'État, la justice et les partenaires."},
	{"PJJ", "Protection judiciaire de la jeunesse", "Elle suit les mineurs confiés par la justice."},
	{"RdRD", "Réduction des risques et des dommages", "Une approche qui part des usages réels pour en limiter les effets."},
	{"CopilTAT", "Comité de pilotage de la démarche TAT", "Il oriente la démarche et valide ses productions."},
	{"TAT", "Trafics, acteurs, territoires", "La démarche dont ces fiches sont issues."},
	{"ASE", "Aide sociale à l'enfance", "Le service du département qui protège les enfants."},
	{"CCAS", "Centre communal d'action sociale", "Il met en œuvre l'action sociale de la commune."},
	{"CAF", "Caisse d'allocations familiales", "Elle verse les prestations familiales."},
	{"PMI", "Protection maternelle et infantile", "Elle suit la santé des jeunes enfants et des mères."},
	{"CMP", "Centre médico-psychologique", "Un lieu de consultation en santé mentale."},
	{"CMPP", "Centre médico-psycho-pédagogique", "Il reçoit les enfants et les adolescents en difficulté."},
	{"ADDAP", "Association départementale pour le développement des actions de prévention", "Elle porte la prévention spécialisée."},
	{"MDS", "Maison départementale de la solidarité", "L'accueil social de proximité du département."},
	{"MDPH", "Maison départementale des personnes handicapées", "Elle accompagne les personnes handicapées."},
	{"DDCS", "Direction départementale de la cohésion sociale", "Un service de l'État dans le département."},
	{"CUCS", "Contrat urbain de cohésion sociale", "L'ancien cadre contractuel de la politique de la ville."},
	{"ZSP", "Zone de sécurité prioritaire", "Un territoire où l'État concentre des moyens de sécurité."},
	{"GUP", "Gestion urbaine de proximité", "L'entretien concerté des espaces d'un quartier."},
	{"REP", "Réseau d'éducation prioritaire", "Les écoles et collèges qui reçoivent des moyens renforcés."},
	{"CPE", "Conseiller principal d'éducation", "Il suit la vie scolaire des élèves."},
	{"CIO", "Centre d'information et d'orientation", "Il aide les jeunes à choisir leur voie."},
	{"PAEJ", "Point accueil écoute jeunes", "Un lieu d'écoute anonyme pour les jeunes."},
	{"MJC", "Maison des jeunes et de la culture", "Un équipement d'éducation populaire."},
	{"CHRS", "Centre d'hébergement et de réinsertion sociale", "Il héberge et accompagne des personnes en difficulté."},
	{"ELSA", "Équipe de liaison et de soins en addictologie", "Elle intervient à l'hôpital auprès des patients."},
	{"SPIP", "Service pénitentiaire d'insertion et de probation", "Il suit les personnes placées sous main de justice."},
	{"AEMO", "Action éducative en milieu ouvert", "Une mesure éducative ordonnée par le juge des enfants."},
	{"TGI", "Tribunal de grande instance", "L'ancienne juridiction civile et pénale de droit commun."},
	{"CLS", "Contrat local de santé", "Il organise la politique de santé d'un territoire."},
	{"ASV", "Atelier santé ville", "La démarche santé de la politique de la ville."},
	{"QPV", "Quartier prioritaire de la politique de la ville", "Un quartier désigné par l'État selon le revenu."},
	{"ANRU", "Agence nationale pour la rénovation urbaine", "Elle finance la rénovation des quartiers."},
	{"CRIPS", "Centre régional d'information et de prévention du sida", "Il informe les jeunes sur la santé sexuelle."},
	{"CJC", "Consultation jeunes consommateurs", "Un accueil gratuit et anonyme pour les jeunes usagers."},
	{"DSP", "Direction de la sécurité publique", "La police nationale dans le département."},
	{"FIPD", "Fonds interministériel de prévention de la délinquance", "Il finance des actions de prévention."},
	{"MLE", "Mission locale pour l'emploi", "Elle accompagne les 16-25 ans vers l'emploi."},
	{"PRE", "Programme de réussite éducative", "Il accompagne les enfants fragiles et leurs familles."},
	{"EPE", "École des parents et des éducateurs", "Une association de soutien à la parentalité."},
	{"LAEP", "Lieu d'accueil enfants-parents", "Un lieu de rencontre pour les jeunes enfants et leurs parents."},
	{"OFDT", "Observatoire français des drogues et des toxicomanies", "Il produit les chiffres de référence sur les drogues."},
	{"TREND", "Tendances récentes et nouvelles drogues", "Un dispositif d'observation de l'OFDT."},
	{"VIH", "Virus de l'immunodéficience humaine", "Le virus responsable du sida."},
	{"VHC", "Virus de l'hépatite C", "Un virus transmis notamment par le partage de matériel."},
	{"TSO", "Traitement de substitution aux opiacés", "Un traitement médical de la dépendance."},
	{"IDE", "Infirmier diplômé d'État", "Un infirmier ou une infirmière."},
	{"BAC", "Brigade anticriminalité", "Une unité de police en civil."},
};

static const char *const first_names[] = {
	"Anne-Marie", "Karima", "Nadia", "Sophie", "Fatima", "Hélène", "Élodie",
	"Leïla", "Chantal", "Josiane", "Samia", "Céline", "Rachid", "Mohamed",
	"Jean-Pierre", "Karim", "Stéphane", "Frédéric", "Didier", "Mehdi", "Yannick",
	"Jérôme", "Bruno", "Saïd", "François", "Nicolas", "Malik", "Grégoire",
};

static const char *const last_names[] = {
	"Tagawa", "Benali", "Durand", "Martin", "Roche", "Mahdi", "Giraud", "Lopez",
	"Bernard", "Haddad", "Fabre", "Rousseau", "Chérif", "Meunier", "Bouzid",
	"Lefèvre", "Garnier", "Ferhat", "Mercier", "Blanc", "Amrani", "Pélissier",
	"Navarro", "Castel", "Bonnet", "Ziani", "Olivier", "Aubert", "Benoît",
};

static const char *const org_kinds[] = {
	"Centre social", "Association", "Collectif", "Maison de quartier",
	"Service de prévention", "Espace santé", "Compagnie", "Amicale des locataires",
	"Régie de quartier", "Point écoute", "Club de prévention", "Réseau",
};

static const char *const org_names[] = {
	"Agora", "Les Flamants", "La Busserine", "Saint-Barthélemy", "Le Merlan",
	"Frais Vallon", "La Castellane", "Le Plan d'Aou", "La Savine", "Les Aygalades",
	"Saint-Louis", "La Viste", "Malpassé", "Font-Vert", "La Solidarité",
	"Kalliste", "La Bricarde", "Consolat", "Bassens", "Félix Pyat", "Belsunce",
	"Noailles", "Réseaux 13", "Transverscité", "Sud", "Nord", "Horizon",
	"Le Relais", "L'Escale", "Les Lierres", "Entraide", "Arc-en-ciel",
};

static const char *const roles[] = {
	"directrice", "directeur", "coordinatrice", "coordinateur", "éducatrice",
	"éducateur spécialisé", "chargée de mission", "médiateur", "infirmière",
	"présidente", "animateur", "psychologue", "cheffe de projet",
};

static const char *const streets[] = {
	"rue de Lyon", "boulevard Jourdan", "avenue de Saint-Just", "chemin de Sainte-Marthe",
	"rue Félix Pyat", "boulevard du Merlan", "traverse de la Busserine",
	"avenue Salvador Allende", "chemin du Merlan à la Rose", "rue d'Aubagne",
};

/* ---- text helpers ------------------------------------------------------ */

/* Lower-case ASCII slug, as DESIGN.md describes for file names and anchors. */
static void slugify(const char *s, char *out, size_t cap)
{
	static const struct { const char *from, *to; } fold[] = {
		{"é", "e"}, {"è", "e"}, {"ê", "e"}, {"ë", "e"}, {"É", "e"}, {"È", "e"},
		{"à", "a"}, {"â", "a"}, {"ä", "a"}, {"À", "a"}, {"î", "i"}, {"ï", "i"},
		{"ô", "o"}, {"ö", "o"}, {"ù", "u"}, {"û", "u"}, {"ü", "u"}, {"ç", "c"},
		{"œ", "oe"}, {"Œ", "oe"}, {"æ", "ae"}, {"Î", "i"}, {"Ô", "o"},
	};
	size_t n = 0;
	int dash = 0;
	while (*s && n + 3 < cap) {
		unsigned char c = (unsigned char)*s;
		const char *rep = NULL;
		size_t adv = 1;
		if (c >= 0x80) {
			for (size_t i = 0; i < COUNT(fold); i++) {
				size_t fl = strlen(fold[i].from);
				if (strncmp(s, fold[i].from, fl) == 0) {
					rep = fold[i].to;
					adv = fl;
					break;
				}
			}
			if (!rep) { /* skip an unknown multibyte sequence */
				adv = 1;
				while ((((unsigned char)s[adv]) & 0xC0) == 0x80)
					adv++;
			}
		}
		if (rep) {
			if (dash && n)
				out[n++] = '-';
			dash = 0;
			for (; *rep && n + 2 < cap; rep++)
				out[n++] = *rep;
		} else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z')) {
			if (dash && n)
				out[n++] = '-';
			dash = 0;
			out[n++] = (char)((c >= 'A' && c <= 'Z') ? c + 32 : c);
		} else {
			dash = 1;
		}
		s += adv;
	}
	out[n] = '\0';
}

/* Upper-cases the first letter, including the accented ones of French. */
static void put_cap(struct buf *b, const char *s)
{
	unsigned char c = (unsigned char)s[0];
	if (c >= 'a' && c <= 'z') {
		char u = (char)(c - 32);
		bput(b, &u, 1);
		bputs(b, s + 1);
	} else if (c == 0xC3 && (unsigned char)s[1] >= 0xA0 && (unsigned char)s[1] <= 0xBE) {
		char u[2] = {(char)0xC3, (char)((unsigned char)s[1] - 0x20)};
		bput(b, u, 2);
		bputs(b, s + 2);
	} else if (c == 0xC5 && (unsigned char)s[1] == 0x93) {
		bputs(b, "Œ");
		bputs(b, s + 2);
	} else {
		bputs(b, s);
	}
}

static int np_plural(const char *np) { return strncmp(np, "les ", 4) == 0; }

/* PREP + noun phrase, contracted with "le" into LE and with "les" into LES. */
static void put_contracted(struct buf *b, const char *np, const char *prep, const char *le, const char *les)
{
	if (strncmp(np, "le ", 3) == 0)
		bprintf(b, "%s %s", le, np + 3);
	else if (strncmp(np, "les ", 4) == 0)
		bprintf(b, "%s %s", les, np + 4);
	else
		bprintf(b, "%s %s", prep, np);
}

static void put_de(struct buf *b, const char *np) { put_contracted(b, np, "de", "du", "des"); }
static void put_a(struct buf *b, const char *np) { put_contracted(b, np, "à", "au", "aux"); }

static void put_verb(struct buf *b, const char *forms, int plural)
{
	const char *bar = strchr(forms, '|');
	if (plural)
		bputs(b, bar + 1);
	else
		bput(b, forms, (size_t)(bar - forms));
}

/* ---- the corpus model -------------------------------------------------- */

struct fiche {
	unsigned number;
	char *title, *slug, *summary;
	unsigned logic, carrier, ncontacts, contacts[4], nthemes, themes[3];
	unsigned since, status, pub_mask, terr_mask;
};

struct contact {
	char *id, *name;
	int person;
	unsigned org; /* for a person: index of an organisation */
};

static struct fiche *actions, *themes;
static unsigned nactions, nthemes;
static struct contact *contacts;
static unsigned ncontacts;
static unsigned nbib;

/* Open-addressing set of slugs, to keep ids unique at 10^5 fiches. */
static char **slugset;
static size_t slugcap;

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

static int slug_taken_or_add(const char *s)
{
	size_t i = (size_t)(hash_str(s) & (slugcap - 1));
	while (slugset[i]) {
		if (strcmp(slugset[i], s) == 0)
			return 1;
		i = (i + 1) & (slugcap - 1);
	}
	slugset[i] = xstrdup(s);
	return 0;
}

/* Makes "base" unique within its namespace (prefix) by appending -2, -3… */
static char *unique_slug(const char *ns, const char *base)
{
	char key[600], cand[512];
	snprintf(cand, sizeof cand, "%s", base);
	for (unsigned k = 2;; k++) {
		snprintf(key, sizeof key, "%s:%s", ns, cand);
		if (!slug_taken_or_add(key))
			return xstrdup(cand);
		snprintf(cand, sizeof cand, "%.480s-%u", base, k);
	}
}

/* ---- sentences --------------------------------------------------------- */

struct ctx {
	const struct fiche *self;
	int is_action;
	const char *dir; /* the fiche's directory under content/: relative links start there */
	unsigned nfoot; /* footnote references emitted so far */
	unsigned want_foot;
};

/* A relative link to content/KIND/FILE, written as a coordinator does it in
 * an editor whose preview follows it: "FILE" from the same directory,
 * "../KIND/FILE" from another. */
static void md_path(struct buf *b, const struct ctx *c, const char *kind)
{
	if (strcmp(c->dir, kind) != 0)
		bprintf(b, "../%s/", kind);
}

/* [LABEL](content/KIND/FILE ANCHOR) as a relative link. */
static void md_link(struct buf *b, const struct ctx *c, const char *label, const char *kind, const char *file,
		    const char *anchor)
{
	bprintf(b, "[%s](", label);
	md_path(b, c, kind);
	bprintf(b, "%s%s)", file, anchor);
}

/* Real corpora mix scheme links and relative .md links (the README offers
 * both), some with a section anchor. */
static void link_action(struct buf *b, const struct ctx *c, unsigned n)
{
	const struct fiche *a = &actions[n - 1];
	char file[600];
	snprintf(file, sizeof file, "%05u-%s.md", a->number, a->slug);
	switch (rn(6)) {
	case 0: bprintf(b, "[](action:%u)", n); break;
	case 1: bprintf(b, "[la fiche-action %u](action:%u)", n, n); break;
	case 2: md_link(b, c, a->title, "actions", file, ""); break;
	case 3: md_link(b, c, "ses objectifs", "actions", file, "#objectifs"); break;
	default: bprintf(b, "[%s](action:%s)", a->title, a->slug); break;
	}
}

static void link_theme(struct buf *b, const struct ctx *c, unsigned i)
{
	const struct fiche *t = &themes[i];
	char file[600];
	snprintf(file, sizeof file, "%u-%s.md", t->number, t->slug);
	switch (rn(6)) {
	case 0: bprintf(b, "[](theme:%s)", t->slug); break;
	case 1: bprintf(b, "[comment faire](theme:%s#comment-faire)", t->slug); break;
	case 2: md_link(b, c, "", "themes", file, ""); break;
	case 3: md_link(b, c, "les méthodes", "themes", file, "#les-methodes-et-les-outils"); break;
	default: bprintf(b, "[%s](theme:%s)", t->title, t->slug); break;
	}
}

static void link_contact(struct buf *b, unsigned i)
{
	bprintf(b, "[%s](contact:%s)", contacts[i].name, contacts[i].id);
}

static void link_sigle(struct buf *b, unsigned i)
{
	bprintf(b, "[%s](glossary:%s)", sigles[i].id, sigles[i].id);
}

/* One inline "object": a noun phrase, sometimes decorated with an adjective,
 * emphasis, a sigle, a number or a cross-reference. */
static void put_object(struct buf *b, struct ctx *c)
{
	unsigned r = rn(100);
	const char *np = PICK(np_words);
	if (r < 6) {
		bprintf(b, "*%s*", np);
	} else if (r < 9) {
		bprintf(b, "**%s %s**", np, PICK(adjectives));
	} else if (r < 14) {
		bprintf(b, "%s %s", np, PICK(adjectives));
	} else if (r < 18) {
		bprintf(b, "le %s", sigles[rn(COUNT(sigles))].id);
	} else if (r < 20) {
		bprintf(b, "%u %s", range(2, 60), PICK(units));
	} else if (r < 23) {
		bputs(b, "l'action ");
		link_action(b, c, range(1, nactions));
	} else if (r < 25) {
		bputs(b, "la fiche ");
		link_theme(b, c, rn(nthemes));
	} else if (r < 27) {
		link_contact(b, c->self->ncontacts ? c->self->contacts[rn(c->self->ncontacts)] : rn(ncontacts));
	} else if (r < 29) {
		bputs(b, "le ");
		link_sigle(b, rn(COUNT(sigles)));
	} else if (r < 30) {
		bputs(b, "~~la répression seule~~ la prévention");
	} else {
		bputs(b, np);
	}
}

static void put_foot(struct buf *b, struct ctx *c)
{
	if (c->nfoot < c->want_foot && chance(25))
		bprintf(b, "[^%u]", ++c->nfoot);
}

/* " VERB OBJECT" after a subject, the verb plural when PLURAL. */
static void put_predicate(struct buf *b, struct ctx *c, int plural)
{
	bputs(b, " ");
	put_verb(b, PICK(verbs), plural);
	bputs(b, " ");
	put_object(b, c);
}

static void sentence(struct buf *b, struct ctx *c)
{
	unsigned r = rn(100);
	const char *subj = PICK(np_words);
	if (r < 40) {
		/* Subject verb object [place|adverb]. */
		if (chance(25)) {
			bputs(b, PICK(openers));
			bputs(b, " ");
			bputs(b, subj);
		} else {
			put_cap(b, subj);
		}
		put_predicate(b, c, np_plural(subj));
		if (chance(40)) {
			bputs(b, " ");
			put_de(b, PICK(np_words));
		}
		if (chance(30)) {
			bputs(b, " ");
			bputs(b, PICK(places));
		} else if (chance(30)) {
			bputs(b, " ");
			bputs(b, PICK(adverbs));
		}
		put_foot(b, c);
		bputs(b, ".");
	} else if (r < 52) {
		/* A question, with or without the space French writers type. */
		static const char *const q[] = {"Comment", "Pourquoi", "Faut-il", "Peut-on", "Qui doit", "Jusqu'où"};
		bprintf(b, "%s %s ", PICK(q), PICK(infinitives));
		put_object(b, c);
		if (chance(50)) {
			bputs(b, " ");
			put_a(b, PICK(np_words));
		}
		bputs(b, chance(80) ? " ?" : "?");
	} else if (r < 62) {
		/* A quotation in « guillemets ». */
		bprintf(b, "%s : « ", PICK(speakers));
		const char *s2 = PICK(np_words);
		put_cap(b, s2);
		bputs(b, " ");
		put_verb(b, PICK(verbs), np_plural(s2));
		bputs(b, " ");
		bputs(b, PICK(np_words));
		bputs(b, chance(30) ? "... »" : ". »");
	} else if (r < 72) {
		/* Figures: percentages, years, ordinals. */
		unsigned y = range(1994, 2016);
		switch (rn(4)) {
		case 0:
			bprintf(b, "En %u, %u %% ", y, range(3, 95));
			put_de(b, PICK(np_words));
			put_predicate(b, c, 1);
			break;
		case 1:
			bprintf(b, "Dans le %ue arrondissement, %u%% ", range(13, 16), range(3, 95));
			put_de(b, PICK(np_words));
			bprintf(b, " sont concernés depuis %u", y);
			break;
		case 2:
			bprintf(b, "Le 1er atelier a eu lieu le %u mars %u à 18:30, le %ue en juin", range(2, 28), y, range(2, 12));
			break;
		default:
			bprintf(b, "Depuis la fin du XXe siècle, %s ", subj);
			put_verb(b, PICK(verbs), np_plural(subj));
			bprintf(b, " %s (n° %u du rapport)", PICK(np_words), range(1, 40));
			break;
		}
		put_foot(b, c);
		bputs(b, ".");
	} else if (r < 80) {
		/* Purpose clause. */
		bprintf(b, "Pour %s ", PICK(infinitives));
		put_object(b, c);
		bputs(b, ", ");
		bputs(b, subj);
		put_predicate(b, c, np_plural(subj));
		bputs(b, " ");
		bputs(b, PICK(adverbs));
		bputs(b, ".");
	} else if (r < 86) {
		/* A sigle used in running text, left to automatic markup. */
		unsigned s = rn(COUNT(sigles));
		bprintf(b, "Le %s et %s", sigles[s].id, PICK(np_words));
		put_predicate(b, c, 1);
		bputs(b, chance(20) ? " !" : ".");
	} else if (r < 93) {
		/* A cross-reference sentence. */
		bputs(b, "Voir aussi ");
		link_action(b, c, range(1, nactions));
		bputs(b, " et ");
		link_theme(b, c, rn(nthemes));
		put_foot(b, c);
		bputs(b, ".");
	} else if (r < 96) {
		bprintf(b, "Plus d'informations sur https://www.example.org/tat/%s ou auprès de contact@example.org.",
			c->self->slug);
	} else {
		put_cap(b, subj);
		put_predicate(b, c, np_plural(subj));
		bputs(b, " ; ");
		bputs(b, PICK(np_words));
		put_predicate(b, c, 0);
		bputs(b, ".");
	}
}

/* Wraps at ~80 columns like a hand-edited file. A break never precedes a
 * character that could start a block (digit, list bullet, '#', '>', '|')
 * and never falls inside a link, so wrapping changes no meaning. */
static void wrap_into(struct buf *out, const char *s)
{
	size_t col = 0, depth = 0, i = 0, len = strlen(s);
	while (i < len) {
		char ch = s[i];
		if (ch == '[' || ch == '(')
			depth++;
		else if ((ch == ']' || ch == ')') && depth)
			depth--;
		if (ch == ' ' && col >= 78 && depth == 0 && i + 1 < len) {
			char nx = s[i + 1];
			int safe = !(nx >= '0' && nx <= '9') && !strchr("-+*#>|=[~<;:,.?!)", nx) &&
				   strncmp(s + i + 1, "»", 2) != 0 && !(i >= 2 && strncmp(s + i - 2, "«", 2) == 0);
			if (safe) {
				bputs(out, "\n");
				col = 0;
				i++;
				continue;
			}
		}
		bput(out, &ch, 1);
		if ((ch & 0xC0) != 0x80)
			col++;
		i++;
	}
}

static void paragraph(struct buf *b, struct ctx *c, unsigned lo, unsigned hi)
{
	struct buf p = {0};
	/* Tuned so that an average body is ~5 KB, like the real fiches. */
	unsigned n = range(lo + 3, hi + 4);
	for (unsigned i = 0; i < n; i++) {
		if (i)
			bputs(&p, " ");
		sentence(&p, c);
	}
	wrap_into(b, p.p);
	bputs(b, "\n\n");
	free(p.p);
}

static void bullets(struct buf *b, struct ctx *c, unsigned lo, unsigned hi, int ordered)
{
	unsigned n = range(lo, hi);
	for (unsigned i = 0; i < n; i++) {
		struct buf item = {0};
		if (ordered)
			bprintf(b, "%u. ", i + 1);
		else
			bputs(b, "- ");
		if (chance(50)) {
			put_cap(&item, PICK(infinitives));
			bputs(&item, " ");
			put_object(&item, c);
			bputs(&item, chance(50) ? " ;" : ".");
		} else {
			sentence(&item, c);
		}
		bputs(b, item.p);
		bputs(b, "\n");
		if (!ordered && chance(8)) {
			bputs(b, "  - ");
			bputs(b, PICK(np_words));
			bputs(b, " ");
			bputs(b, PICK(adjectives));
			bputs(b, "\n");
		}
		free(item.p);
	}
	bputs(b, "\n");
}

static void table(struct buf *b, struct ctx *c)
{
	unsigned rows = range(3, 7), y = range(2005, 2012);
	(void)c;
	bputs(b, "| Année | Participants | Lieu | Remarque |\n");
	bputs(b, "|------:|-------------:|:-----|:---------|\n");
	for (unsigned i = 0; i < rows; i++)
		bprintf(b, "| %u | %u | %s | %s %s |\n", y + i, range(5, 120), PICK(places),
			PICK(np_words), PICK(adjectives));
	bputs(b, "\n");
}

static void footnotes(struct buf *b, struct ctx *c)
{
	for (unsigned i = 1; i <= c->nfoot; i++) {
		bprintf(b, "[^%u]: ", i);
		switch (rn(3)) {
		case 0: bprintf(b, "Compte rendu de la réunion du %u juin %u.\n", range(1, 28), range(2005, 2016)); break;
		case 1: bprintf(b, "Voir le rapport [](biblio:ref-%u), p. %u.\n", rn(nbib) + 1, range(3, 200)); break;
		default: bprintf(b, "Entretien avec %s, %u.\n", contacts[rn(ncontacts)].name, range(2010, 2016)); break;
		}
	}
	if (c->nfoot)
		bputs(b, "\n");
}

static void gen_summary(struct fiche *f)
{
	struct buf b = {0};
	const char *s = PICK(np_words);
	put_cap(&b, s);
	bputs(&b, " et ");
	bputs(&b, PICK(np_words));
	bputs(&b, " ");
	put_verb(&b, PICK(verbs), 1);
	bputs(&b, " ensemble ");
	bputs(&b, PICK(np_words));
	bputs(&b, " ");
	bputs(&b, PICK(adjectives));
	bputs(&b, ".");
	f->summary = b.p;
}

static void gen_title(struct fiche *f, int is_action)
{
	struct buf b = {0};
	static const char *const heads[] = {
		"Collectif", "Atelier", "Réseau", "Parcours", "Maraude", "Veille",
		"Formation", "Groupe de parole", "Permanence", "Rencontres", "Dispositif",
		"Chantier", "Médiation", "Accueil", "Enquête", "Forum", "Cellule",
	};
	if (is_action) {
		bputs(&b, PICK(heads));
		bputs(&b, " ");
		put_de(&b, PICK(np_words));
		if (chance(50)) {
			bputs(&b, " ");
			bputs(&b, PICK(adjectives));
		}
		if (chance(30)) {
			bputs(&b, " ");
			bputs(&b, PICK(places));
		}
	} else {
		const char *np = PICK(np_words);
		put_cap(&b, np);
		bputs(&b, " et ");
		bputs(&b, PICK(np_words));
		if (chance(40)) {
			bputs(&b, " ");
			bputs(&b, PICK(adjectives));
		}
	}
	f->title = b.p;
	char s[512];
	slugify(b.p, s, sizeof s);
	f->slug = unique_slug(is_action ? "action" : "theme", s);
}

/* ---- front matter ------------------------------------------------------ */

static void yaml_list_masks(struct buf *b, const char *key, unsigned mask, int terr)
{
	bprintf(b, "%s: [", key);
	int first = 1;
	unsigned n = terr ? COUNT(territories) : COUNT(publics);
	for (unsigned i = 0; i < n; i++) {
		if (!(mask & (1u << i)))
			continue;
		bprintf(b, "%s%s", first ? "" : ", ", terr ? territories[i].id : publics[i].id);
		first = 0;
	}
	bputs(b, "]\n");
}

static void front_matter(struct buf *b, const struct fiche *f, int is_action)
{
	bputs(b, "---\n");
	bprintf(b, "number: %u\n", f->number);
	bprintf(b, "title: %s\n", f->title);
	bputs(b, "summary: >-\n  ");
	bputs(b, f->summary);
	bputs(b, "\n");
	if (is_action) {
		bprintf(b, "logic: %s\n", logics[f->logic].id);
		bputs(b, "themes: [");
		for (unsigned i = 0; i < f->nthemes; i++)
			bprintf(b, "%s%s", i ? ", " : "", themes[f->themes[i]].slug);
		bputs(b, "]\n");
		bprintf(b, "carrier: %s\n", contacts[f->carrier].id);
		bputs(b, "contacts: [");
		for (unsigned i = 0; i < f->ncontacts; i++)
			bprintf(b, "%s%s", i ? ", " : "", contacts[f->contacts[i]].id);
		bputs(b, "]\n");
		bprintf(b, "since: %u\n", f->since);
		yaml_list_masks(b, "territories", f->terr_mask, 1);
		yaml_list_masks(b, "publics", f->pub_mask, 0);
		bprintf(b, "status: %s\n", statuses[f->status]);
	} else {
		yaml_list_masks(b, "publics", f->pub_mask, 0);
	}
	bputs(b, "---\n");
}

/* ---- bodies ------------------------------------------------------------ */

static void action_body(struct buf *b, const struct fiche *f)
{
	struct ctx c = {f, 1, "actions", 0, chance(20) ? range(1, 3) : 0};
	int has_table = chance(20);

	paragraph(b, &c, 3, 6);

	bputs(b, "## Acteurs\n\n");
	bputs(b, "L'action est portée par ");
	link_contact(b, f->carrier);
	bputs(b, " avec ");
	link_contact(b, f->contacts[f->ncontacts - 1]);
	bputs(b, ", en lien avec le ");
	link_sigle(b, rn(COUNT(sigles)));
	bputs(b, ".\n\n");
	bullets(b, &c, 2, 4, 0);
	if (chance(30))
		bputs(b, "Leur rôle découle des [objectifs](#objectifs) ci-dessous.\n\n");

	bputs(b, "## Objectifs\n\n");
	paragraph(b, &c, 2, 5);
	bullets(b, &c, 3, 6, 0);

	bputs(b, "## Parmi les questionnements travaillés\n\n");
	unsigned subs = range(2, 4);
	for (unsigned i = 0; i < subs; i++) {
		bprintf(b, "### Sur %s\n\n", PICK(np_words));
		paragraph(b, &c, 3, 7);
		if (chance(50))
			bullets(b, &c, 2, 4, chance(30));
	}
	if (chance(25)) {
		bputs(b, "> « ");
		put_cap(b, PICK(np_words));
		bputs(b, ", c'est d'abord une affaire de confiance. »\n\n");
	}
	if (has_table) {
		bputs(b, "Le tableau suivant résume la fréquentation.\n\n");
		table(b, &c);
	}
	bputs(b, "Voir la fiche ");
	link_theme(b, &c, f->themes[0]);
	bputs(b, ".\n\n");
	if (chance(60)) {
		bputs(b, "## Ouvrages produits\n\n");
		bullets(b, &c, 1, 3, 0);
	}
	if (chance(50)) {
		bputs(b, "## Portage\n\n");
		paragraph(b, &c, 2, 4);
	}
	if (chance(60)) {
		bputs(b, "## Contacts\n\n");
		for (unsigned i = 0; i < f->ncontacts; i++) {
			bputs(b, "- ");
			link_contact(b, f->contacts[i]);
			bputs(b, "\n");
		}
		bputs(b, "\n");
	}
	/* Guarantee every promised footnote reference exists. */
	while (c.nfoot < c.want_foot)
		bprintf(b, "Source complémentaire[^%u].\n\n", ++c.nfoot);
	footnotes(b, &c);
}

static void theme_body(struct buf *b, const struct fiche *f)
{
	struct ctx c = {f, 0, "themes", 0, chance(20) ? range(1, 3) : 0};
	int table_at = chance(20) ? (int)rn(COUNT(theme_sections)) : -1;
	for (unsigned s = 0; s < COUNT(theme_sections); s++) {
		bprintf(b, "## %s\n\n", theme_sections[s]);
		paragraph(b, &c, 2, 5);
		if (s == 3) {
			unsigned subs = range(1, 3);
			for (unsigned i = 0; i < subs; i++) {
				bprintf(b, "### Auprès %s\n\n", (i & 1) ? "des professionnels" : "des habitants");
				paragraph(b, &c, 1, 3);
			}
		}
		if (chance(45))
			bullets(b, &c, 2, 5, chance(20));
		if ((int)s == table_at)
			table(b, &c);
		if (s == 6) {
			/* Examples point to the actions that declare this theme. */
			bputs(b, "Par exemple ");
			link_action(b, &c, range(1, nactions));
			bputs(b, " ou ");
			link_action(b, &c, range(1, nactions));
			bputs(b, ".\n\n");
		}
	}
	while (c.nfoot < c.want_foot)
		bprintf(b, "Source complémentaire[^%u].\n\n", ++c.nfoot);
	footnotes(b, &c);
}

/* A fiche's file into B: front matter and body; returns the body's size. */
static size_t fiche_text(struct buf *b, const struct fiche *f, int is_action)
{
	breset(b);
	front_matter(b, f, is_action);
	size_t fm = b->n;
	if (is_action)
		action_body(b, f);
	else
		theme_body(b, f);
	return b->n - fm;
}

/* ---- data files -------------------------------------------------------- */

static void write_site(const char *dir)
{
	struct buf b = {0};
	bputs(&b, "title: Trafics, acteurs, territoires (corpus synthétique)\n");
	bputs(&b, "subtitle: Un corpus généré pour mesurer la vitesse de fiches\n");
	bputs(&b, "language: fr\n");
	bputs(&b, "logics:\n");
	for (unsigned i = 0; i < COUNT(logics); i++)
		bprintf(&b, "  - id: %s\n    label: \"%s\"\n    colour: \"%s\"\n", logics[i].id, logics[i].label,
			logics[i].colour);
	bputs(&b, "publics:\n");
	for (unsigned i = 0; i < COUNT(publics); i++)
		bprintf(&b, "  - id: %s\n    label: \"%s\"\n    description: \"%s\"\n", publics[i].id, publics[i].label,
			publics[i].desc);
	bputs(&b, "territories:\n");
	for (unsigned i = 0; i < COUNT(territories); i++)
		bprintf(&b, "  - id: %s\n    label: \"%s\"\n", territories[i].id, territories[i].label);
	bputs(&b, "sections:\n  actions:\n");
	for (unsigned i = 0; i < COUNT(action_sections); i++)
		bprintf(&b, "    - \"%s\"\n", action_sections[i]);
	bputs(&b, "  themes:\n");
	for (unsigned i = 0; i < COUNT(theme_sections); i++)
		bprintf(&b, "    - \"%s\"\n", theme_sections[i]);
	bputs(&b, "footer: \"Corpus synthétique généré par bench/gencorpus.\"\n");
	write_data(dir, "site.yaml", &b);
}

static void gen_contacts(unsigned n)
{
	unsigned norg = n / 2 > 0 ? n / 2 : 1;
	contacts = calloc(n, sizeof *contacts);
	if (!contacts)
		die("out of memory");
	ncontacts = n;
	for (unsigned i = 0; i < n; i++) {
		struct buf name = {0};
		struct contact *k = &contacts[i];
		k->person = i >= norg;
		if (k->person) {
			bprintf(&name, "%s %s", PICK(first_names), PICK(last_names));
			k->org = rn(norg);
		} else {
			bprintf(&name, "%s %s", PICK(org_kinds), PICK(org_names));
		}
		char s[512];
		slugify(name.p, s, sizeof s);
		k->id = unique_slug("contact", s);
		k->name = name.p;
	}
}

static void write_contacts(const char *dir)
{
	struct buf b = {0};
	for (unsigned i = 0; i < ncontacts; i++) {
		const struct contact *k = &contacts[i];
		bprintf(&b, "- id: %s\n  name: \"%s\"\n  kind: %s\n", k->id, k->name, k->person ? "person" : "organisation");
		if (k->person) {
			bprintf(&b, "  organisation: %s\n  role: %s\n", contacts[k->org].id, PICK(roles));
			bprintf(&b, "  email: %s@example.org\n", k->id);
		} else {
			bprintf(&b, "  email: contact@%s.example.org\n", k->id);
			bprintf(&b, "  address: \"%u %s, 130%02u Marseille\"\n", range(1, 120), PICK(streets), range(13, 16));
			bprintf(&b, "  website: https://%s.example.org/\n", k->id);
		}
		bprintf(&b, "  phone: \"04 91 %02u %02u %02u\"\n", rn(100), rn(100), rn(100));
		if (chance(50))
			bprintf(&b, "  note: \"Présent %s depuis %u.\"\n", PICK(places), range(1990, 2015));
	}
	write_data(dir, "contacts.yaml", &b);
}

static void write_glossary(const char *dir)
{
	struct buf b = {0};
	for (unsigned i = 0; i < COUNT(sigles); i++)
		bprintf(&b, "- id: %s\n  expansion: \"%s\"\n  definition: \"%s\"\n", sigles[i].id, sigles[i].expansion,
			sigles[i].definition);
	write_data(dir, "glossary.yaml", &b);
}

static void write_bibliography(const char *dir)
{
	struct buf b = {0};
	for (unsigned i = 1; i <= nbib; i++) {
		bprintf(&b, "- id: ref-%u\n  authors: [\"%s %s\"]\n  title: \"", i, PICK(first_names), PICK(last_names));
		put_cap(&b, PICK(np_words));
		bprintf(&b, " et %s\"\n  year: %u\n  publisher: \"%s\"\n", PICK(np_words), range(1995, 2016),
			chance(50) ? "CEREQ" : "Transverscité");
	}
	write_data(dir, "bibliography.yaml", &b);
}

/* Guide chapters; identical in both trees except the include list, which
 * Hugo ignores (fiches renders the included fiches after the body). */
static void write_guide(const char *dir, struct buf *b, unsigned *files, size_t *bytes)
{
	static const char *const chapters[][2] = {
		{"introduction", "Introduction"},
		{"la-demarche-tat", "La démarche TAT"},
		{"les-fiches-actions", "Les fiches-actions"},
		{"les-fiches-thematiques", "Les fiches-thématiques"},
		{"perspectives", "Perspectives"},
	};
	struct fiche dummy = {0};
	dummy.slug = "guide";
	for (unsigned i = 0; i < COUNT(chapters); i++) {
		struct ctx c = {&dummy, 0, "guide", 0, 0};
		breset(b);
		bprintf(b, "---\ntitle: %s\n", chapters[i][1]);
		if (i >= 1 && i <= 3)
			bputs(b, "part: \"Première partie : valorisation de la démarche TAT\"\n");
		if (i == 2)
			bprintf(b, "include: [\"action:1\", \"action:%u\"]\n", nactions);
		if (i == 3)
			bprintf(b, "include: [\"theme:%s\"]\n", themes[0].slug);
		bputs(b, "---\n");
		size_t body = b->n;
		for (unsigned s = 0; s < 4; s++) {
			bprintf(b, "## %s\n\n", s == 0 ? "Contexte" : PICK(infinitives));
			paragraph(b, &c, 3, 6);
			if (s == 2)
				bullets(b, &c, 3, 6, 0);
		}
		char rel[512];
		snprintf(rel, sizeof rel, "guide/%02u-%s.md", i + 1, chapters[i][0]);
		write_both(dir, rel, b);
		(*files)++;
		*bytes += b->n - body;
	}
}

static void write_hugo_config(const char *dir)
{
	/* Same outputs as fiches: pages, lists, taxonomy pages, home. RSS and
	 * sitemap are off because fiches writes neither (no base_url here). */
	static const char cfg[] =
		"baseURL = \"/\"\n"
		"languageCode = \"fr\"\n"
		"defaultContentLanguage = \"fr\"\n"
		"title = \"Trafics, acteurs, territoires (corpus synthétique)\"\n"
		"relativeURLs = true\n"
		"disableKinds = [\"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n"
		"enableRobotsTXT = false\n"
		"\n"
		"[taxonomies]\n"
		"  logic = \"logic\"\n"
		"  theme = \"themes\"\n"
		"  public = \"publics\"\n"
		"  territory = \"territories\"\n"
		"\n"
		"[markup.goldmark.renderer]\n"
		"  unsafe = false\n"
		"[markup.goldmark.extensions]\n"
		"  table = true\n"
		"  strikethrough = true\n"
		"  linkify = true\n"
		"  footnote = true\n"
		"[markup.highlight]\n"
		"  codeFences = false\n"
		"\n"
		"[minify]\n"
		"  minifyOutput = false\n";
	write_in(dir, "hugo/hugo.toml", cfg, sizeof cfg - 1);
	static const char *const lists[][2] = {
		{"hugo/content/_index.md", "---\ntitle: Accueil\n---\nLa démarche TAT réunit habitants et professionnels.\n"},
		{"hugo/content/actions/_index.md", "---\ntitle: Fiches-actions\n---\n"},
		{"hugo/content/themes/_index.md", "---\ntitle: Fiches-thématiques\n---\n"},
		{"hugo/content/guide/_index.md", "---\ntitle: Guide\n---\n"},
	};
	for (unsigned i = 0; i < COUNT(lists); i++)
		write_in(dir, lists[i][0], lists[i][1], strlen(lists[i][1]));
}

/* One of 0..N-1 not among the K of TAKEN when DISTINCT. */
static unsigned pick_new(const unsigned *taken, unsigned k, unsigned n, int distinct)
{
	unsigned v;
	int dup;
	do {
		v = rn(n);
		dup = 0;
		for (unsigned j = 0; j < k; j++)
			dup |= taken[j] == v;
	} while (dup && distinct);
	return v;
}

/* ---- main -------------------------------------------------------------- */

int main(int argc, char **argv)
{
	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: gencorpus N OUTDIR [SEED]\n");
		return 2;
	}
	char *end;
	unsigned long n = strtoul(argv[1], &end, 10);
	if (*end || n < 10 || n > 1000000) {
		fprintf(stderr, "gencorpus: N must be an integer in 10..1000000\n");
		return 2;
	}
	const char *dir = argv[2];
	rng_state = argc == 4 ? strtoull(argv[3], NULL, 10) : 20160601ULL;

	nactions = (unsigned)(n * 8 / 10);
	nthemes = (unsigned)n - nactions;
	nbib = 20;
	slugcap = 1;
	while (slugcap < 4 * (n + n / 10 + 16))
		slugcap *= 2;
	slugset = calloc(slugcap, sizeof *slugset);
	actions = calloc(nactions, sizeof *actions);
	themes = calloc(nthemes, sizeof *themes);
	if (!slugset || !actions || !themes)
		die("out of memory");

	static const char *const subdirs[] = {
		"content/actions", "content/themes", "content/guide",
		"hugo/content/actions", "hugo/content/themes", "hugo/content/guide",
	};
	char path[4096];
	for (unsigned i = 0; i < COUNT(subdirs); i++) {
		snprintf(path, sizeof path, "%s/%s", dir, subdirs[i]);
		mkdirs(path);
	}

	gen_contacts((unsigned)(n / 10 > 10 ? n / 10 : 10));
	/* Titles, slugs and relations first: bodies link to any fiche. */
	for (unsigned i = 0; i < nthemes; i++) {
		struct fiche *t = &themes[i];
		t->number = i + 1;
		gen_title(t, 0);
		gen_summary(t);
		t->pub_mask = 1u << rn(COUNT(publics));
		t->pub_mask |= chance(60) ? 1u << rn(COUNT(publics)) : 0;
	}
	for (unsigned i = 0; i < nactions; i++) {
		struct fiche *a = &actions[i];
		a->number = i + 1;
		gen_title(a, 1);
		gen_summary(a);
		a->logic = rn(COUNT(logics));
		a->nthemes = range(1, 3);
		/* Distinct themes: a duplicate would be an error (a corpus of
		 * fewer than four themes has to accept some). */
		for (unsigned k = 0; k < a->nthemes; k++)
			a->themes[k] = pick_new(a->themes, k, nthemes, nthemes > 3);
		a->carrier = rn(ncontacts / 2 ? ncontacts / 2 : 1);
		a->contacts[0] = a->carrier;
		a->ncontacts = range(1, 4);
		for (unsigned k = 1; k < a->ncontacts; k++)
			a->contacts[k] = pick_new(a->contacts, k, ncontacts, 1);
		a->since = range(1998, 2016);
		a->status = rn(COUNT(statuses));
		a->pub_mask = (1u << rn(COUNT(publics))) | (chance(70) ? 1u << rn(COUNT(publics)) : 0);
		a->terr_mask = (1u << rn(COUNT(territories))) | (chance(50) ? 1u << rn(COUNT(territories)) : 0);
	}

	write_site(dir);
	write_contacts(dir);
	write_glossary(dir);
	write_bibliography(dir);
	write_hugo_config(dir);

	struct buf b = {0};
	size_t body_bytes = 0, total_bytes = 0;
	unsigned files = 0;
	for (unsigned i = 0; i < nactions; i++) {
		const struct fiche *a = &actions[i];
		body_bytes += fiche_text(&b, a, 1);
		total_bytes += b.n;
		snprintf(path, sizeof path, "actions/%05u-%s.md", a->number, a->slug);
		write_both(dir, path, &b);
		files++;
	}
	for (unsigned i = 0; i < nthemes; i++) {
		const struct fiche *t = &themes[i];
		body_bytes += fiche_text(&b, t, 0);
		total_bytes += b.n;
		snprintf(path, sizeof path, "%s/content/themes/%u-%s.md", dir, t->number, t->slug);
		write_file(path, b.p, b.n);
		/* In Hugo a theme fiche is the content of its taxonomy term page
		 * (/themes/<slug>/), which also lists the actions of that theme:
		 * the same page fiches writes for a theme. */
		snprintf(path, sizeof path, "%s/hugo/content/themes/%s", dir, t->slug);
		mkdirs(path);
		snprintf(path, sizeof path, "%s/hugo/content/themes/%s/_index.md", dir, t->slug);
		write_file(path, b.p, b.n);
		files++;
	}
	unsigned fiche_files = files;
	size_t fiche_body = body_bytes;
	write_guide(dir, &b, &files, &body_bytes);
	free(b.p);

	printf("gencorpus: %u actions, %u themes, %u guide chapters, %u contacts, %zu sigles, %u references\n",
		nactions, nthemes, files - fiche_files, ncontacts, COUNT(sigles), nbib);
	printf("gencorpus: fiches %.1f MB, average body %.0f bytes\n", (double)total_bytes / 1e6,
		(double)fiche_body / fiche_files);
	return 0;
}
