/*
 * fiches — recherche dans le navigateur (amélioration facultative : sans
 * JavaScript, la page recherche.html renvoie vers les listes).
 *
 * L'index (produit par generator/html/search.c) est en morceaux, chacun un
 * script chargé par une balise <script>, pas par fetch(), pour fonctionner
 * aussi depuis file:// : assets/recherche-index.js (le vocabulaire déjà
 * racinisé, Snowball, français, et de quoi trouver le reste), chargé au
 * premier contact avec un champ de recherche ; puis, dans
 * assets/recherche/, les listes de fiches (sorte, numéro, titre : ce que la
 * liste de résultats montre avant les extraits, quelques fichiers chargés
 * quand le doigt touche le champ), et seulement les listes d'occurrences
 * (avec leurs scores, calculés à la construction) et les textes (pour les
 * extraits) dont une requête a besoin. Sur un grand site, une requête ne
 * transfère ainsi que quelques centaines de kilo-octets ; la liste de
 * résultats paraît sans attendre de fichier, les extraits suivent.
 *
 * Les mots sont découpés et « pliés » (minuscules, sans accents) comme dans
 * generator/html/search_fold.c : WORD et FOLD doivent rester identiques aux
 * siens.
 */
(function () {
  "use strict";

  var WORD = /[0-9A-Za-z\u00C0-\u00D6\u00D8-\u00F6\u00F8-\u017F]+/g;
  // Forme pliée de U+00C0…U+017F (même chaîne que fold_str dans search_fold.c).
  var FOLD = ("a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|ss|" +
    "a|a|a|a|a|a|ae|c|e|e|e|e|i|i|i|i|d|n|o|o|o|o|o||o|u|u|u|u|y|th|y|" +
    "a|a|a|a|a|a|c|c|c|c|c|c|c|c|d|d|d|d|e|e|e|e|e|e|e|e|e|e|g|g|g|g|g|g|g|g|" +
    "h|h|h|h|i|i|i|i|i|i|i|i|i|i|ij|ij|j|j|k|k|k|l|l|l|l|l|l|l|l|l|l|" +
    "n|n|n|n|n|n|n|n|n|o|o|o|o|o|o|oe|oe|r|r|r|r|r|r|s|s|s|s|s|s|s|s|" +
    "t|t|t|t|t|t|u|u|u|u|u|u|u|u|u|u|u|u|w|w|y|y|y|z|z|z|z|z|z|s").split("|");
  // La page de résultats en classe PAGE_MAX et en montre PAGE_STEP à la fois (les textes viennent à la demande).
  var LISTBOX_MAX = 8, PAGE_MAX = 100, PAGE_STEP = 20;
  /*
   * Une frappe lance la recherche juste avant l'image suivante
   * (requestAnimationFrame, nextFrame) : la lettre tapée et ses résultats
   * paraissent dans la même image, et des frappes venues avant elle n'en
   * font qu'une. (À la tâche suivante, par setTimeout, la recherche
   * attendait que l'image de la lettre soit peinte : 10 à 25 ms sur un
   * téléphone lent, une frappe sur deux au-delà de 50 ms à 10 000 fiches.)
   * Une frappe arrivée pendant une recherche
   * lance la sienne sans l'attendre ; la précédente, devenue inutile,
   * s'arrête à sa prochaine étape (ses morceaux d'index en chemin servent
   * encore) : chaque frappe a ses résultats dès que les siens sont prêts
   * (Combobox.update). La première lettre fait venir les listes
   * d'occurrences de ses mots (Engine.letterParts) pendant que la
   * deuxième se tape.
   */
  function nextFrame(f) {
    if (window.requestAnimationFrame && !document.hidden) {
      var id = requestAnimationFrame(f);
      return function () { cancelAnimationFrame(id); };
    }
    var t = setTimeout(f, 0);
    return function () { clearTimeout(t); };
  }
  // Listes d'occurrences chargées d'avance, quand la page est inactive, si elles ne pèsent pas plus.
  var PRELOAD_BYTES = 131072;
  // Un index entier de cette taille au plus se charge au premier contact avec un champ.
  var SMALL_INDEX_BYTES = 524288;
  // Les listes de fiches (titres) de cette taille au plus (418 ko à 10 000 fiches) se chargent au premier
  // contact avec un champ ; au-delà, celles des résultats, à la demande.
  var DOCS_TOUCH_BYTES = 1048576;
  /*
   * Les extraits d'une liste de résultats (les textes de ses fiches, un
   * fichier par fiche sur un grand site) se chargent quand la frappe marque
   * cette pause : la liste de chaque frappe paraît avec ses titres, les
   * textes des listes aussitôt remplacées ne sont pas transférés. Plus
   * longue que l'intervalle entre deux touches sur un téléphone (200 à
   * 300 ms) : à 150 ms, une frappe lente chargeait les textes de presque
   * chaque liste, et une longue requête passait 300 ko à 10 000 fiches.
   */
  var SNIPPET_PAUSE_MS = 350;

  function fold(w) {
    var out = "";
    for (var i = 0; i < w.length; i++) {
      var c = w.charCodeAt(i);
      if (c < 128) out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : w[i];
      else if (c >= 0xC0 && c < 0x180) out += FOLD[c - 0xC0];
    }
    return out;
  }

  function correctionLabel(q) { return "Résultats pour «\u202F" + q + "\u202F»"; }

  /*
   * « 12 345 » : les milliers séparés par une espace fine insécable, comme
   * toLocaleString("fr-FR"), dont le premier appel d'une page (les données
   * de la langue) prend 100 à 190 ms sur un téléphone lent : la première
   * liste de résultats les attendait.
   */
  function frenchNumber(n) {
    var s = String(n), out = s.slice(0, (s.length - 1) % 3 + 1);
    for (var i = out.length; i < s.length; i += 3) out += "\u202F" + s.slice(i, i + 3);
    return out;
  }

  // atLeast : le nombre n'est qu'un minimum (search, sur un grand site).
  function countLabel(n, atLeast) {
    if (n === 0) return "Aucun résultat";
    return (atLeast ? "Au moins " : "") + frenchNumber(n) + (n === 1 ? " résultat" : " résultats");
  }

  /* ---- Moteur ----------------------------------------------------------- */

  // Les nombres de l'index : 64 caractères, 5 bits par caractère, 32 : « la suite vient » (put_varint).
  var DIGITS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  var CODE = new Int8Array(128);
  for (var d64 = 0; d64 < 64; d64++) CODE[DIGITS.charCodeAt(d64)] = d64;

  function varints(s) {
    var out = [], i = 0;
    while (i < s.length) {
      var v = 0, shift = 1, c;
      do { c = CODE[s.charCodeAt(i++)]; v += (c & 31) * shift; shift *= 32; } while (c & 32);
      out.push(v);
    }
    return out;
  }

  // Les débuts (premier élément de chaque morceau) : écrits en écarts.
  function starts(s) {
    var v = varints(s), acc = 0;
    for (var i = 0; i < v.length; i++) v[i] = acc += v[i];
    return v;
  }

  // Le morceau dont le premier élément est le dernier à ne pas dépasser x.
  function pieceOf(firsts, x) {
    var lo = 0, hi = firsts.length - 1;
    while (lo < hi) {
      var mid = (lo + hi + 1) >> 1;
      if (firsts[mid] <= x) lo = mid; else hi = mid - 1;
    }
    return lo;
  }

  function Engine(I) {
    var t0 = now();
    this.kinds = I.kinds;
    this.nsec = I.nsec;
    this.head = I.head;
    // Vocabulaire : voir search_put_words dans search_words.c.
    var words = [], wstem = [], s = I.words, i = 0, prev = "", next = 0, cur = -1;
    while (i < s.length) {
      var c = s[i++], id;
      if (c === " ") id = next++;
      else if (c === "+") id = cur;
      else {
        var d0 = i;
        while (s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
        id = +s.slice(d0, i);
      }
      var common = s.charCodeAt(i++) - 65, w0 = i;
      while (i < s.length && s[i] !== " " && s[i] !== "+" && s[i] !== "|") i++;
      var w = prev.slice(0, common) + s.slice(w0, i);
      words.push(w);
      wstem.push(id);
      prev = w;
      cur = id;
    }
    this.words = words;
    this.wstem = wstem;
    this.nstems = next;
    // Nombre de sections de chaque racine : idf, ordre des suites d'un préfixe, corrections.
    this.df = new Uint32Array(varints(I.df));
    this.idf = new Float64Array(next);
    for (i = 0; i < next; i++) this.idf[i] = Math.log(1 + (this.nsec - this.df[i] + 0.5) / (this.df[i] + 0.5));
    this.shards = starts(I.shards);
    this.shardBytes = I.pbytes || 0;
    this.textBytes = I.tbytes || 0;
    this.texts = starts(I.texts);
    this.docs = starts(I.docs || "");
    this.docBytes = I.dbytes || 0;
    this.version = I.h || "";
    // Les scores : 12 bits sur une échelle logarithmique (search_quantise dans search_postings.c).
    this.level = new Float64Array(I.levels);
    for (i = 0; i < I.levels; i++) this.level[i] = Math.pow(2, i * I.range / I.levels - I.range / 2);
    this.byNumber = new Map();
    var num = varints(I.num), sec = 0;
    for (i = 0; i + 1 < num.length; i += 2) {
      sec += num[i];
      this.byNumber.set(num[i + 1], (this.byNumber.get(num[i + 1]) || []).concat([sec]));
    }
    this.stop = new Set(I.stop.split(" "));
    this.syn = new Map();
    this.fshards = starts(I.fshards || "");
    // Une expression de plusieurs mots a ses occurrences déjà croisées dans le morceau « f » + q (ph.q).
    for (i = 0; i < I.syn.length; i++) {
      if (I.syn[i].length > 2) I.syn[i][1].q = I.syn[i][2];
      this.syn.set(I.syn[i][0], I.syn[i][1]);
    }
    // Les synonymes de content/recherche.yaml : mot → expressions (listes de racines).
    this.alias = new Map();
    for (i = 0; I.alias && i < I.alias.length; i++) {
      var al = I.alias[i];
      for (var a = 0; al[2] && a < al[1].length; a++) if (al[2][a] >= 0) al[1][a].q = al[2][a];
      this.alias.set(al[0], al[1]);
    }
    this.fixes = new Map();
    // Morceaux chargés : chaînes des tessons, listes décodées, fragments de texte.
    this.shardData = new Map();
    this.fullData = new Map();
    this.phraseData = new Map();
    this.textData = new Map();
    this.docData = new Map();
    this.decoded = new Map();
    this.total = new Float64Array(this.nsec);
    this.hits = new Uint8Array(this.nsec);
    this.tscore = new Float64Array(this.nsec);
    this.loadMs = now() - t0;
  }

  function now() {
    return window.performance && performance.now ? performance.now() : Date.now();
  }

  /*
   * Le score d'une racine dans une section (à la BM25, calculé par
   * search_postings.c avec les poids des champs et des sortes de fiches) est
   * multiplié ici par l'idf de la racine et par le poids de la candidate
   * (1 le mot lui-même, moins pour une suite, un synonyme, une correction).
   */
  // Une suite du dernier mot en cours de frappe (« hab » → habitants).
  var PREFIX_WEIGHT = 0.6;
  // « 9 » : la fiche numéro 9 avant les textes qui écrivent 9.
  var NUMBER_SCORE = 1000;

  // Les occurrences d'une racine, [sections, scores] : toutes (whole) ou, pour une racine très
  // fréquente, ses this.head meilleures (de quoi classer les premiers résultats d'un préfixe).
  Engine.prototype.postings = function (id, whole) {
    var big = this.df[id] > this.head, key = big && whole ? -1 - id : id;
    var got = this.decoded.get(key);
    if (got) return got;
    var s = big && whole ? this.fullData.get(id) : this.shardData.get(pieceOf(this.shards, id));
    if (typeof s !== "string") s = s ? s[id - this.shards[pieceOf(this.shards, id)]] : "";
    var n = big && !whole ? this.head : this.df[id];
    var secs = new Uint32Array(n), sc = new Float64Array(n), i = 0, k = 0, sec = 0, lv = this.level;
    while (k < n && i < s.length) {
      var v = 0, shift = 1, c;
      do { c = CODE[s.charCodeAt(i++)]; v += (c & 31) * shift; shift *= 32; } while (c & 32);
      sec += v;
      secs[k] = sec;
      sc[k++] = lv[CODE[s.charCodeAt(i)] * 64 + CODE[s.charCodeAt(i + 1)]];
      i += 2;
    }
    got = [secs, sc];
    this.decoded.set(key, got);
    return got;
  };

  /*
   * Une requête d'un seul mot n'a besoin que des this.head meilleures
   * occurrences de chacune de ses racines pour ses limit premiers résultats
   * (limit ≤ head) : une section classée parmi eux par une racine est parmi
   * les head meilleures de cette racine (mêmes égalités départagées par le
   * numéro de section que search_put_head). Les occurrences entières d'une
   * racine fréquente (jusqu'à 120 ko) ne servent qu'à croiser plusieurs mots.
   */
  Engine.prototype.headsSuffice = function (terms, limit) {
    return terms.length === 1 && limit <= this.head;
  };

  // Les morceaux d'index qu'il faut pour les racines des termes (candidates et expressions) ;
  // crossed : comme si d'autres mots les croisaient (les occurrences entières, jamais les meilleures seules).
  Engine.prototype.needed = function (terms, limit, crossed) {
    var names = new Set(), self = this, heads = !crossed && this.headsSuffice(terms, limit);
    function want(id, whole) {
      var sh = pieceOf(self.shards, id);
      if (!self.shardData.has(sh)) names.add("p" + sh);
      if (whole && self.df[id] > self.head && !self.fullData.has(id)) names.add("m" + id);
    }
    terms.forEach(function (t) {
      t.cands.forEach(function (w, id) { want(id, w !== PREFIX_WEIGHT && !heads); });
      t.phrases.forEach(function (ph) {
        if (ph.q === undefined) ph.forEach(function (id) { want(id, true); });
        else if (!self.phraseData.has(pieceOf(self.fshards, ph.q))) names.add("f" + pieceOf(self.fshards, ph.q));
      });
    });
    return names;
  };

  /*
   * Les morceaux qui manquent pour montrer les résultats items : leurs
   * listes de fiches (titres) et, avec texts, leurs textes (extraits, liens).
   */
  Engine.prototype.partsFor = function (items, texts) {
    var names = new Set();
    for (var i = 0; i < items.length; i++) {
      var d = pieceOf(this.docs, items[i][0]);
      if (!this.docData.has(d)) names.add("d" + d);
      var f = pieceOf(this.texts, items[i][0]);
      if (texts && !this.textData.has(f)) names.add("t" + f);
    }
    return names;
  };

  // Les textes des résultats items sont-ils là ?
  Engine.prototype.hasTexts = function (items) {
    for (var i = 0; i < items.length; i++) if (!this.textData.has(pieceOf(this.texts, items[i][0]))) return false;
    return true;
  };

  // Une liste de fiches décodée : [sorte, numéro, titre] de chacune, et la fiche de chaque section.
  function docList(D) {
    var k = varints(D.k), n = varints(D.n), c = varints(D.c), recs = [], secRec = [], num = 0;
    for (var i = 0; i < k.length; i++) {
      num += n[i] & 1 ? -(n[i] + 1) / 2 : n[i] / 2;
      recs.push([k[i], num, D.t[i]]);
      for (var j = 0; j < c[i]; j++) secRec.push(i);
    }
    return {s: D.s, recs: recs, secRec: secRec};
  }

  // Range un morceau chargé (nom et données du script).
  Engine.prototype.store = function (name, data) {
    var n = +name.slice(1);
    if (name[0] === "p") this.shardData.set(n, data);
    else if (name[0] === "m") this.fullData.set(n, data);
    else if (name[0] === "t") this.textData.set(n, data);
    else if (name[0] === "f") this.phraseData.set(n, data);
    else if (name[0] === "d") this.docData.set(n, docList(data));
  };

  // La fiche de la section si : [sorte, numéro, titre] (sa liste de fiches chargée).
  Engine.prototype.record = function (si) {
    var d = this.docData.get(pieceOf(this.docs, si));
    return d.recs[d.secRec[si - d.s]];
  };

  // La section si : [[lien, résumé], intertitre, ancre, texte], ou null si son texte n'est pas là.
  Engine.prototype.section = function (si) {
    var t = this.textData.get(pieceOf(this.texts, si));
    if (!t) return null;
    var sec = t.secs[si - t.s];
    // Fins de paragraphe, d'élément de liste ou de cellule : « … · … » dans les extraits (une fois).
    if (sec.length === 4) sec.push(sec[3].replace(/([.!?:;…])?\n/g, function (m, p) { return p ? p + " " : " · "; }));
    return [t.docs[sec[0]], sec[1], sec[2], sec[4]];
  };

  // La racine du mot plié f, undefined s'il n'est pas dans le vocabulaire (trié : pas de table à construire).
  Engine.prototype.stemOf = function (f) {
    var i = this.lowerBound(f);
    return this.words[i] === f ? this.wstem[i] : undefined;
  };

  // Premier indice des mots du vocabulaire (triés) qui commencent par p.
  Engine.prototype.lowerBound = function (p) {
    var lo = 0, hi = this.words.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (this.words[mid] < p) lo = mid + 1; else hi = mid;
    }
    return lo;
  };

  // Racines des mots commençant par p, les plus fréquentes d'abord (au plus 40).
  Engine.prototype.prefixStems = function (p) {
    var seen = new Set(), out = [];
    for (var i = this.lowerBound(p); i < this.words.length && this.words[i].lastIndexOf(p, 0) === 0; i++) {
      var id = this.wstem[i];
      if (!seen.has(id)) { seen.add(id); out.push(id); }
    }
    if (out.length > 40) {
      var df = this.df;
      out.sort(function (a, b) { return df[b] - df[a] || a - b; });
      out.length = 40;
    }
    return out;
  };

  /*
   * Le mot du vocabulaire le plus proche de f (faute de frappe) : distance
   * d'édition 1 de 4 à 7 lettres, 2 à partir de 8 (une inversion de deux
   * lettres compte pour 1) ; à distance égale, celui dont la racine est
   * dans le plus de sections. null si aucun.
   */
  Engine.prototype.correct = function (f) {
    if (this.fixes.has(f)) return this.fixes.get(f);
    var max = f.length >= 8 ? 2 : f.length >= 4 ? 1 : 0, best = null, bestD = max + 1, bestN = -1;
    for (var i = 0; max && i < this.words.length; i++) {
      var w = this.words[i];
      if (Math.abs(w.length - f.length) > max || /^[0-9]+$/.test(w)) continue;
      var d = distance(f, w, bestD);
      if (d > max || d > bestD) continue;
      var n = this.df[this.wstem[i]];
      if (d < bestD || n > bestN) { best = i; bestD = d; bestN = n; }
    }
    var fix = best === null ? null : {word: this.words[best], stem: this.wstem[best]};
    this.fixes.set(f, fix);
    return fix;
  };

  // Distance d'édition (avec inversion de deux lettres voisines) ; au-delà de bound, bound + 1.
  function distance(a, b, bound) {
    var n = a.length, m = b.length, prev2 = null, prev = new Array(m + 1), cur;
    for (var j = 0; j <= m; j++) prev[j] = j;
    for (var i = 1; i <= n; i++) {
      cur = new Array(m + 1);
      cur[0] = i;
      var low = i;
      for (j = 1; j <= m; j++) {
        var c = a[i - 1] === b[j - 1] ? 0 : 1;
        var v = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + c);
        if (prev2 && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
          v = Math.min(v, prev2[j - 2] + 1);
        cur[j] = v;
        if (v < low) low = v;
      }
      if (low > bound) return bound + 1;
      prev2 = prev;
      prev = cur;
    }
    return prev[m];
  }

  Engine.prototype.parse = function (q) {
    var terms = [], m, last = null;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(q))) {
      var f = fold(m[0]);
      last = {f: f, end: m.index + m[0].length};
      if (this.stop.has(f) || (f.length < 2 && !/^[0-9]+$/.test(f))) continue;
      terms.push({f: f, start: m.index, end: last.end, cands: new Map(), prefix: null, phrases: [], fixed: null});
    }
    var open = last && last.end === q.length;
    for (var i = 0; i < terms.length; i++) {
      var t = terms[i], exact = this.stemOf(t.f), k;
      // Un pluriel absent du texte (« relogés ») : le singulier, sans rien corriger.
      if (exact === undefined && /[sx]$/.test(t.f) && t.f.length > 3) exact = this.stemOf(t.f.slice(0, -1));
      if (exact !== undefined) t.cands.set(exact, 1);
      // Le dernier mot est peut-être en cours de frappe, ou le texte n'a que
      // des formes plus longues (« vend » : vendent, vendus) : ses suites comptent aussi.
      if ((open && i === terms.length - 1) || (exact === undefined && t.f.length >= 3)) {
        var ps = this.prefixStems(t.f);
        for (k = 0; k < ps.length; k++) if (!t.cands.has(ps[k])) t.cands.set(ps[k], PREFIX_WEIGHT);
        if (ps.length && exact === undefined) t.prefix = t.f;
      }
      this.addAliases(t, t.f);
      // Mot inconnu (« parant », « polise ») : le mot le plus proche, et on le dit.
      if (!t.cands.size && !t.phrases.length && !/^[0-9]+$/.test(t.f)) {
        var fix = this.correct(t.f);
        if (fix) {
          t.cands.set(fix.stem, 0.9);
          t.fixed = fix.word;
          this.addAliases(t, fix.word);
        }
      }
      if (this.syn.has(t.f)) t.phrases.push(this.syn.get(t.f));
    }
    // Sens inverse : « centre d'accueil » trouve aussi les sections qui écrivent CAARUD.
    var self = this;
    this.syn.forEach(function (exp, sigle) {
      var sid = self.stemOf(sigle), inExp = [];
      if (sid === undefined) return;
      for (var j = 0; j < terms.length; j++) {
        var e = self.stemOf(terms[j].f);
        if (e !== undefined && exp.indexOf(e) >= 0) inExp.push(terms[j]);
      }
      if (inExp.length && inExp.length >= Math.min(2, exp.length))
        inExp.forEach(function (tt) { if (!tt.cands.has(sid)) tt.cands.set(sid, 0.8); });
    });
    return terms;
  };

  // Les synonymes du mot plié f (content/recherche.yaml) : une racine seule est une candidate de plus.
  Engine.prototype.addAliases = function (t, f) {
    var al = this.alias.get(f);
    if (!al) return;
    for (var k = 0; k < al.length; k++) {
      if (al[k].length === 1) { if (!t.cands.has(al[k][0])) t.cands.set(al[k][0], 0.9); }
      else t.phrases.push(al[k]);
    }
  };

  // La requête telle qu'elle a été comprise (« parant » → « parent »), ou null si rien n'a été corrigé.
  function corrected(q, terms) {
    var out = "", pos = 0, any = false;
    terms.forEach(function (t) {
      if (!t.fixed) return;
      out += q.slice(pos, t.start) + t.fixed;
      pos = t.end;
      any = true;
    });
    return any ? (out + q.slice(pos)).trim() : null;
  }

  // Sections contenant toutes les racines ids, avec la somme de leurs scores.
  Engine.prototype.allOf = function (ids) {
    if (ids.q !== undefined) {
      // Croisées à la construction (put_phrase_files) : sections et sommes déjà faites.
      var sh = pieceOf(this.fshards, ids.q), d = this.phraseData.get(sh);
      var s = d ? d[ids.q - this.fshards[sh]] : "", out = new Map(), j = 0, at = 0, lv = this.level;
      while (j < s.length) {
        var v = 0, shift = 1, c;
        do { c = CODE[s.charCodeAt(j++)]; v += (c & 31) * shift; shift *= 32; } while (c & 32);
        at += v;
        out.set(at, lv[CODE[s.charCodeAt(j)] * 64 + CODE[s.charCodeAt(j + 1)]]);
        j += 2;
      }
      return out;
    }
    var acc = null;
    for (var i = 0; i < ids.length; i++) {
      var P = this.postings(ids[i], true), m = new Map(), ps = P[0], sc = P[1];
      for (var k = 0; k < ps.length; k++)
        if (!acc || acc.has(ps[k])) m.set(ps[k], (acc ? acc.get(ps[k]) : 0) + sc[k] * this.idf[ids[i]]);
      acc = m;
      if (!acc.size) break;
    }
    return acc || new Map();
  };

  /*
   * Les sections qui contiennent tous les mots (à défaut : le plus grand
   * nombre d'entre eux), classées : une promesse de {terms, total, results:
   * [[section, score]], corrected, partial, atLeast}, une fois chargés les
   * morceaux d'index nécessaires, les titres des « listed » premiers
   * résultats et les textes des « shown » premiers (tous par défaut ;
   * listed : shown par défaut). atLeast : total n'est qu'un minimum (sur un
   * grand site, les suites d'un préfixe très fréquentes ne sont lues que
   * dans leurs meilleures sections).
   */
  Engine.prototype.search = function (q, limit, shown, live, listed) {
    var self = this, terms = this.parse(q);
    if (shown === undefined) shown = limit;
    return load.parts(this.needed(terms, limit)).then(function () {
      // Une recherche que plus personne n'attend (live() faux) s'arrête là : null.
      if (live && !live()) return null;
      var r = self.rank(q, terms, limit);
      var names = self.partsFor(r.results.slice(0, shown), true);
      self.partsFor(r.results.slice(0, listed === undefined ? shown : listed), false).forEach(function (n) { names.add(n); });
      return load.parts(names).then(function () { return r; });
    });
  };

  // Les morceaux des listes d'occurrences des mots qui commencent par la lettre c (pas encore là).
  Engine.prototype.letterParts = function (c) {
    var f = fold(c), names = new Set();
    if (f.length !== 1 || this.whole) return names;
    for (var i = this.lowerBound(f); i < this.words.length && this.words[i][0] === f; i++) {
      var sh = pieceOf(this.shards, this.wstem[i]);
      if (!this.shardData.has(sh)) names.add("p" + sh);
    }
    return names;
  };

  /*
   * Ce que la suite probable de la frappe demandera, à charger pendant que
   * la touche suivante se tape (Combobox.update), pour la requête q comprise
   * en terms. Rien que la requête ne demanderait si elle continue ainsi :
   *  - dès qu'un mot est suivi d'autre chose (« santé des »), les
   *    occurrences entières de ses racines, que le mot suivant croisera ;
   *  - dans une requête de plusieurs mots, celles de la suite la plus
   *    fréquente du mot en cours dès sa quatrième lettre (« santé des
   *    jeun » → jeune) ;
   *  - les expressions croisées à la construction qu'appellent les suites
   *    du mot en cours (« ca » → le développement de « caarud »).
   */
  Engine.prototype.likelyParts = function (q, terms, limit) {
    var closed = terms.filter(function (t) { return t.end < q.length; }), self = this;
    var last = terms.length && terms[terms.length - 1].end === q.length ? terms[terms.length - 1] : null;
    if (this.whole) return new Set();
    var names = closed.length ? this.needed(closed, limit, true) : new Set(), best = -1;
    if (!last) return names;
    if (closed.length && last.f.length >= 4)
      last.cands.forEach(function (w, id) { if (best < 0 || self.df[id] > self.df[best]) best = id; });
    if (best >= 0 && this.df[best] > this.head && !this.fullData.has(best)) names.add("m" + best);
    function phrase(ph) {
      var fs = ph.q === undefined ? -1 : pieceOf(self.fshards, ph.q);
      if (fs >= 0 && !self.phraseData.has(fs)) names.add("f" + fs);
    }
    this.syn.forEach(function (ph, key) { if (key.lastIndexOf(last.f, 0) === 0) phrase(ph); });
    this.alias.forEach(function (list, key) { if (key.lastIndexOf(last.f, 0) === 0) list.forEach(phrase); });
    return names;
  };


  // Une promesse tenue quand les titres et les textes des résultats items sont là.
  Engine.prototype.withTexts = function (items) {
    return load.parts(this.partsFor(items, true));
  };

  Engine.prototype.rank = function (q, terms, limit) {
    var total = this.total, hits = this.hits, ts = this.tscore, atLeast = false;
    var touched = [], tt = [], i, k, sec, heads = this.headsSuffice(terms, limit), most = 0;
    for (var ti = 0; ti < terms.length; ti++) {
      var t = terms[ti];
      t.cands.forEach(function (w, id) {
        var P = this.postings(id, w !== PREFIX_WEIGHT && !heads), ps = P[0], sc = P[1], idf = this.idf[id];
        if (ps.length < this.df[id]) atLeast = true;
        if (this.df[id] > most) most = this.df[id];
        for (k = 0; k < ps.length; k++) {
          var v = w * sc[k] * idf;
          sec = ps[k];
          if (v > ts[sec]) { if (ts[sec] === 0) tt.push(sec); ts[sec] = v; }
        }
      }, this);
      t.phrases.forEach(function (ph) {
        if (!ph.length) return;
        this.allOf(ph).forEach(function (v, s) {
          v = 0.8 * v / ph.length;
          if (v > ts[s]) { if (ts[s] === 0) tt.push(s); ts[s] = v; }
        });
      }, this);
      if (/^[0-9]+$/.test(t.f)) {
        (this.byNumber.get(+t.f) || []).forEach(function (s) {
          if (ts[s] === 0) tt.push(s);
          ts[s] = Math.max(ts[s], NUMBER_SCORE);
        });
      }
      for (i = 0; i < tt.length; i++) {
        sec = tt[i];
        if (hits[sec] === 0) touched.push(sec);
        hits[sec]++;
        total[sec] += ts[sec];
        ts[sec] = 0;
      }
      tt.length = 0;
    }
    var best = 0;
    for (i = 0; i < touched.length; i++) if (hits[touched[i]] > best) best = hits[touched[i]];
    /*
     * Classées d'abord par nombre de mots de la requête trouvés (une phrase
     * comme « mon fils vend de la drogue »), puis par score. Un tas des
     * « limit » meilleures : trier des dizaines de milliers de sections coûterait trop.
     */
    var heap = [], count = 0;
    function worse(a, b) { return a[2] < b[2] || (a[2] === b[2] && (a[1] < b[1] || (a[1] === b[1] && a[0] > b[0]))); }
    for (i = 0; i < touched.length; i++) {
      sec = touched[i];
      // Toute section trouvée compte et concourt aux premières places.
      count++;
      var ht = hits[sec], tot = total[sec], h0 = heap[0];
      hits[sec] = 0;
      total[sec] = 0;
      // Pas de tableau pour une section qui n'entre pas dans le tas (des dizaines de milliers pour « re »).
      if (heap.length >= limit && !(limit && (h0[2] < ht || (h0[2] === ht && (h0[1] < tot || (h0[1] === tot && h0[0] > sec))))))
        continue;
      var item = [sec, tot, ht];
      if (heap.length < limit) {
        heap.push(item);
        for (k = heap.length - 1; k > 0;) {
          var p = (k - 1) >> 1;
          if (!worse(heap[k], heap[p])) break;
          var x = heap[k]; heap[k] = heap[p]; heap[p] = x; k = p;
        }
      } else if (limit && worse(heap[0], item)) {
        heap[0] = item;
        for (k = 0; ;) {
          var l = 2 * k + 1, r = l + 1, m = k;
          if (l < heap.length && worse(heap[l], heap[m])) m = l;
          if (r < heap.length && worse(heap[r], heap[m])) m = r;
          if (m === k) break;
          var y = heap[k]; heap[k] = heap[m]; heap[m] = y; k = m;
        }
      }
    }
    heap.sort(function (a, b) { return worse(a, b) ? 1 : worse(b, a) ? -1 : 0; });
    // Un seul mot lu dans ses meilleures occurrences : au moins autant de résultats que sa racine
    // la plus fréquente a de sections, exactement autant si elle est sa seule racine.
    if (heads && atLeast) {
      if (most > count) count = most;
      if (terms[0].cands.size === 1 && !terms[0].phrases.length && !/^[0-9]+$/.test(terms[0].f)) atLeast = false;
    }
    return {terms: terms, total: count, partial: best < terms.length, results: heap,
      corrected: corrected(q, terms), atLeast: atLeast};
  };

  // Découpe text en morceaux [texte, surligné] ; matched dit si un mot plié est cherché.
  function highlight(text, matched, from, to) {
    var parts = [], pos = from, m;
    WORD.lastIndex = from;
    while ((m = WORD.exec(text)) && m.index < to) {
      var end = Math.min(m.index + m[0].length, to);
      if (matched(fold(m[0]))) {
        if (m.index > pos) parts.push([text.slice(pos, m.index), false]);
        parts.push([text.slice(m.index, end), true]);
        pos = end;
      }
    }
    if (pos < to) parts.push([text.slice(pos, to), false]);
    return parts;
  }

  Engine.prototype.matcher = function (terms) {
    var ids = new Set(), prefixes = [], self = this;
    terms.forEach(function (t) {
      t.cands.forEach(function (w, id) { if (w >= 1 || !t.prefix) ids.add(id); });
      if (t.prefix) prefixes.push(t.prefix);
      t.phrases.forEach(function (ph) { ph.forEach(function (id) { ids.add(id); }); });
    });
    return function (f) {
      var id = self.stemOf(f);
      if (id !== undefined && ids.has(id)) return true;
      for (var i = 0; i < prefixes.length; i++) if (f.lastIndexOf(prefixes[i], 0) === 0) return true;
      return false;
    };
  };

  // Un extrait d'environ 180 caractères autour du premier mot trouvé.
  function snippet(text, matched) {
    if (!text) return [];
    var first = -1, m;
    WORD.lastIndex = 0;
    while ((m = WORD.exec(text))) if (matched(fold(m[0]))) { first = m.index; break; }
    var start = 0, end;
    if (first > 60) {
      start = text.lastIndexOf(" ", first - 50);
      start = start < 0 ? 0 : start + 1;
    }
    end = Math.min(text.length, start + 180);
    if (end < text.length) {
      var sp = text.lastIndexOf(" ", end);
      if (sp > start + 100) end = sp;
    }
    var parts = highlight(text, matched, start, end);
    if (start > 0) parts.unshift(["…", false]);
    if (end < text.length) parts.push([" …", false]);
    return parts;
  }

  /*
   * Ce qu'une page montre d'un résultat (sa fiche chargée) ; sans son texte
   * encore, le titre seul : partial, ni intertitre, ni extrait, ni lien.
   */
  Engine.prototype.describe = function (item, matched) {
    var rec = this.record(item[0]), sec = this.section(item[0]);
    var d = {
      type: this.kinds[rec[0]] + (rec[1] ? " " + rec[1] : ""),
      title: highlight(rec[2], matched, 0, rec[2].length),
      section: null,
      snippet: [],
      href: null,
      score: item[1],
      partial: !sec
    };
    if (!sec) return d;
    var doc = sec[0], text = sec[3], inBody = false;
    WORD.lastIndex = 0;
    for (var m; (m = WORD.exec(text));) if (matched(fold(m[0]))) { inBody = true; break; }
    if (!inBody && sec[1] === "" && doc[1]) text = doc[1];
    if (sec[1]) d.section = highlight(sec[1], matched, 0, sec[1].length);
    d.snippet = snippet(text, matched);
    d.href = doc[0] + (sec[2] ? "#" + sec[2] : "");
    return d;
  };

  /* ---- Chargement --------------------------------------------------------- */

  var script = document.currentScript;
  var assetsBase = script ? script.src.replace(/[^\/]*$/, "") : "assets/";
  var rootURL = new URL("../", assetsBase).href;
  var engine = null, waiting = [];

  /*
   * Chaque morceau d'index est un script qui appelle FichesRechercheData(nom,
   * données) : une balise <script> par morceau, depuis file:// aussi (où
   * fetch() est refusé). Un morceau demandé deux fois n'est chargé qu'une.
   */
  var arrived = new Map(), pending = new Map();
  window.FichesRechercheData = function (name, data) {
    arrived.set(name, data);
  };

  function part(name) {
    var p = pending.get(name);
    if (p) return p;
    p = new Promise(function (resolveP, reject) {
      var tag = document.createElement("script");
      tag.src = name === "index" ? assetsBase + "recherche-index.js" :
        assetsBase + "recherche/" + name + ".js" + (engine && engine.version ? "?v=" + engine.version : "");
      tag.onload = function () {
        tag.remove();
        if (!arrived.has(name)) { reject(new Error(name)); return; }
        var data = arrived.get(name);
        arrived.delete(name);
        if (engine && name !== "index") engine.store(name, data);
        resolveP(data);
      };
      tag.onerror = function () { tag.remove(); pending.delete(name); reject(new Error(name)); };
      document.head.appendChild(tag);
    });
    pending.set(name, p);
    return p;
  }

  // Promesse tenue quand tous les morceaux names (un Set) sont chargés.
  load.parts = function (names) {
    var all = [];
    names.forEach(function (n) { all.push(part(n)); });
    return Promise.all(all);
  };

  // Rappelle callback avec le moteur, ou null si l'index n'a pu être chargé (un prochain appel réessaie).
  function load(callback) {
    if (engine) { callback(engine); return; }
    waiting.push(callback);
    if (waiting.length > 1) return;
    part("index").then(function (I) {
      engine = new Engine(I);
    }, function () {}).then(function () {
      var w = waiting;
      waiting = [];
      w.forEach(function (cb) { cb(engine); });
    });
  }

  function resolve(href) { return new URL(href, rootURL).href; }

  /* ---- Affichage ---------------------------------------------------------- */

  function el(name, cls, parts) {
    var e = document.createElement(name);
    if (cls) e.className = cls;
    if (typeof parts === "string") e.textContent = parts;
    else if (parts) parts.forEach(function (p) {
      if (p[1]) { var mk = document.createElement("mark"); mk.textContent = p[0]; e.appendChild(mk); }
      else e.appendChild(document.createTextNode(p[0]));
    });
    return e;
  }

  var CSS =
    ".recherche-entete{position:relative}" +
    ".rr-boite{position:absolute;top:100%;left:0;right:0;z-index:30;margin:.25rem 0 0;" +
    "background:#fff;color:var(--encre,#1d2329);border:1px solid var(--trait,#d9d3ca);" +
    "border-radius:.4rem;box-shadow:0 .5rem 1.5rem rgba(0,0,0,.25);min-width:min(22rem,92vw)}" +
    ".rr-boite[hidden],.rr-liste[hidden],.rr-correction[hidden]{display:none}" +
    ".rr-liste{margin:0;padding:0;list-style:none;max-height:65vh;overflow-y:auto}" +
    ".rr-correction{margin:0;padding:.4rem .75rem;font-size:.92rem;font-style:italic;border-bottom:1px solid var(--trait,#d9d3ca)}" +
    ".rr-option{padding:.5rem .75rem;border-bottom:1px solid var(--trait,#d9d3ca);cursor:pointer;line-height:1.35}" +
    ".rr-option:last-child{border-bottom:0}" +
    ".rr-option[aria-selected=true]{background:#e6edf5;box-shadow:inset 4px 0 0 var(--focus,#c2410c)}" +
    ".rr-type{display:block;font-size:.8rem;font-weight:700;text-transform:uppercase;letter-spacing:.03em;color:var(--encre-douce,#4a545e)}" +
    ".rr-titre{display:block;font-weight:700;color:var(--accent,#1f4e79)}" +
    ".rr-extrait{display:block;font-size:.92rem}" +
    ".rr-tous{font-weight:700;color:var(--accent,#1f4e79)}" +
    ".rr-liste mark,.rr-resultats mark{background:#fde68a;color:inherit;padding:0 .05em}" +
    ".recherche-page{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0;max-width:40rem}" +
    ".recherche-page label{flex-basis:100%;font-weight:700}" +
    ".recherche-page input{flex:1 1 12rem;font:inherit;padding:.45rem .6rem;border:2px solid var(--encre-douce,#4a545e);border-radius:.25rem}" +
    ".rr-resultats{list-style:none;padding:0;max-width:var(--mesure,44rem)}" +
    ".rr-resultats li{padding:.75rem 0;border-bottom:1px solid var(--trait,#d9d3ca)}" +
    ".rr-resultats h2{font-size:1.15rem;margin:.1rem 0 .25rem}" +
    ".rr-resultats p{margin:0}" +
    ".rr-resultats .rr-plus{border-bottom:0}" +
    ".rr-plus button{font:inherit;min-height:44px;padding:.5rem 1rem;border:2px solid var(--accent,#1f4e79);" +
    "border-radius:.25rem;background:#fff;color:var(--accent,#1f4e79);cursor:pointer}" +
    "@media print{.rr-boite,.recherche-page{display:none!important}}";

  function addStyle() {
    if (document.getElementById("rr-style")) return;
    var st = document.createElement("style");
    st.id = "rr-style";
    st.textContent = CSS;
    document.head.appendChild(st);
  }

  var uid = 0;

  // Le champ de l'en-tête devient une combobox (motif ARIA 1.2) avec sa liste de résultats.
  function Combobox(input) {
    var n = ++uid, self = this;
    this.input = input;
    this.form = input.form;
    this.list = el("ul", "rr-liste");
    this.list.id = "rr-liste-" + n;
    this.list.setAttribute("role", "listbox");
    this.list.setAttribute("aria-label", "Résultats de la recherche");
    this.list.hidden = true;
    this.status = el("div", "visuellement-cache");
    this.status.setAttribute("role", "status");
    this.status.setAttribute("aria-live", "polite");
    // La liste et, au-dessus, « Résultats pour « parent » » quand la requête a été corrigée.
    this.box = el("div", "rr-boite");
    this.box.hidden = true;
    this.note = el("p", "rr-correction");
    this.note.hidden = true;
    this.box.appendChild(this.note);
    this.box.appendChild(this.list);
    this.form.appendChild(this.box);
    this.form.appendChild(this.status);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", this.list.id);
    this.options = [];
    this.active = -1;
    this.n = n;
    // L'index se charge dès que le doigt touche le champ, avant même le focus, avec les listes de
    // fiches (les titres des résultats) ; sur un petit site, l'index entier (SMALL_INDEX_BYTES au
    // plus), pendant que les premières lettres se tapent.
    function touched() {
      load(function (eng) {
        if (!eng) return;
        var names = new Set(), k;
        if (eng.docBytes <= DOCS_TOUCH_BYTES)
          for (k = 0; k < eng.docs.length; k++) if (!eng.docData.has(k)) names.add("d" + k);
        if (!eng.whole && eng.shardBytes + eng.textBytes <= SMALL_INDEX_BYTES) {
          eng.whole = true;
          for (k = 0; k < eng.shards.length; k++) names.add("p" + k);
          for (k = 0; k < eng.texts.length; k++) names.add("t" + k);
          for (k = 0; k < eng.fshards.length; k++) names.add("f" + k);
        }
        if (names.size) load.parts(names).catch(function () { eng.whole = false; });
      });
    }
    input.addEventListener("pointerdown", touched);
    input.addEventListener("focus", touched);
    this.cancelUpdate = null;
    this.snippetTimer = 0;
    this.gen = 0;
    input.addEventListener("input", function () {
      clearTimeout(self.snippetTimer);
      if (!self.cancelUpdate) self.cancelUpdate = nextFrame(function () { self.cancelUpdate = null; self.update(); });
      var v = input.value.trim();
      if (v.length === 1) load(function (eng) { if (eng) load.parts(eng.letterParts(v)).catch(function () {}); });
    });
    input.addEventListener("keydown", function (e) { self.key(e); });
    input.addEventListener("blur", function () { setTimeout(function () { self.close(); }, 150); });
    this.list.addEventListener("mousedown", function (e) { e.preventDefault(); });
    this.list.addEventListener("click", function (e) {
      var li = e.target.closest ? e.target.closest("[role=option]") : null;
      if (li) self.go(self.options.indexOf(li));
    });
  }

  // La recherche du dernier texte ; celle d'un texte précédent s'arrête (voir nextFrame).
  Combobox.prototype.update = function () {
    var q = this.input.value, self = this, gen = ++this.gen;
    function live() { return self.gen === gen && self.input.value === q; }
    if (q.trim().length < 2) { this.close(); this.status.textContent = ""; return; }
    function unavailable() { if (live()) self.status.textContent = "La recherche n’est pas disponible."; }
    load(function (eng) {
      if (!live()) return;
      if (!eng) { unavailable(); return; }
      // La liste avec ses titres dès que le classement est fait ; les extraits après une pause.
      eng.search(q, LISTBOX_MAX, 0, live, LISTBOX_MAX).then(function (r) {
        if (!r || !live()) return;
        self.render(eng, q, r);
        load.parts(eng.likelyParts(q, r.terms, LISTBOX_MAX)).catch(function () {});
        if (eng.hasTexts(r.results)) return;
        self.snippetTimer = setTimeout(function () {
          if (!live()) return;
          eng.withTexts(r.results).then(function () { if (live()) self.render(eng, q, r); }, unavailable);
        }, SNIPPET_PAUSE_MS);
      }, unavailable);
    });
  };

  // La liste des résultats r de q ; rendue une seconde fois quand les extraits arrivent.
  Combobox.prototype.render = function (eng, q, r) {
    var matched = eng.matcher(r.terms), self = this, again = this.shown === r;
    var active = again ? this.active : -1, complete = true;
    this.shown = r;
    this.list.textContent = "";
    this.options = [];
    this.active = -1;
    this.input.removeAttribute("aria-activedescendant");
    r.results.forEach(function (item, i) {
      var d = eng.describe(item, matched);
      var li = el("li", "rr-option");
      li.id = "rr-" + self.n + "-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      // Sans texte encore, le lien vient avec lui (go).
      if (d.partial) complete = false;
      else li.dataset.href = resolve(d.href);
      li.item = item;
      li.appendChild(el("span", "rr-type", d.type));
      var title = el("span", "rr-titre", d.title);
      if (d.section) {
        title.appendChild(document.createTextNode(" · "));
        d.section.forEach(function (p) {
          title.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0]));
        });
      }
      li.appendChild(title);
      if (d.snippet.length) li.appendChild(el("span", "rr-extrait", d.snippet));
      self.list.appendChild(li);
      self.options.push(li);
    });
    if (r.total > r.results.length) {
      var all = el("li", "rr-option rr-tous", "Voir les " + countLabel(r.total, r.atLeast).toLowerCase());
      all.id = "rr-" + this.n + "-tous";
      all.setAttribute("role", "option");
      all.setAttribute("aria-selected", "false");
      all.dataset.href = this.form.action.replace(/\?.*$/, "") + "?q=" + encodeURIComponent(q);
      this.list.appendChild(all);
      this.options.push(all);
    }
    var open = this.options.length > 0;
    this.note.textContent = r.corrected ? correctionLabel(r.corrected) : "";
    this.note.hidden = !r.corrected;
    this.list.hidden = !open;
    this.box.hidden = !open;
    this.input.setAttribute("aria-expanded", open ? "true" : "false");
    // Les tests et les mesures savent ainsi si les extraits sont là.
    this.list.dataset.extraits = complete ? "oui" : "non";
    var label = (r.corrected ? correctionLabel(r.corrected) + "\u00A0: " : "") + countLabel(r.total, r.atLeast);
    // Une seconde fois (les extraits), rien de neuf à annoncer.
    if (!again || this.status.textContent !== label) this.status.textContent = label;
    if (active >= 0 && active < this.options.length) this.setActive(active);
  };

  Combobox.prototype.close = function () {
    if (this.cancelUpdate) { this.cancelUpdate(); this.cancelUpdate = null; }
    clearTimeout(this.snippetTimer);
    this.list.hidden = true;
    this.box.hidden = true;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
    this.setActive(-1);
  };

  Combobox.prototype.setActive = function (i) {
    if (this.active >= 0 && this.options[this.active])
      this.options[this.active].setAttribute("aria-selected", "false");
    this.active = i;
    if (i < 0) { this.input.removeAttribute("aria-activedescendant"); return; }
    var li = this.options[i];
    li.setAttribute("aria-selected", "true");
    this.input.setAttribute("aria-activedescendant", li.id);
    if (li.scrollIntoView) li.scrollIntoView({block: "nearest"});
  };

  // Un résultat dont le texte n'est pas encore là attend son lien.
  Combobox.prototype.go = function (i) {
    var li = this.options[i];
    if (i < 0 || !li) return;
    if (li.dataset.href) { window.location.href = li.dataset.href; return; }
    load(function (eng) {
      if (eng) eng.withTexts([li.item]).then(function () {
        var d = eng.describe(li.item, function () { return false; });
        window.location.href = resolve(d.href);
      });
    });
  };

  Combobox.prototype.key = function (e) {
    var n = this.options.length;
    if (e.key === "ArrowDown" || e.key === "Down") {
      if (!n) return;
      e.preventDefault();
      if (this.list.hidden) { this.list.hidden = this.box.hidden = false; this.input.setAttribute("aria-expanded", "true"); }
      this.setActive(this.active + 1 >= n ? 0 : this.active + 1);
    } else if (e.key === "ArrowUp" || e.key === "Up") {
      if (!n) return;
      e.preventDefault();
      if (this.list.hidden) { this.list.hidden = this.box.hidden = false; this.input.setAttribute("aria-expanded", "true"); }
      this.setActive(this.active <= 0 ? n - 1 : this.active - 1);
    } else if (e.key === "Enter") {
      // Sans option choisie, le formulaire part vers recherche.html?q=…
      if (!this.list.hidden && this.active >= 0) { e.preventDefault(); this.go(this.active); }
    } else if (e.key === "Escape" || e.key === "Esc") {
      if (!this.list.hidden) { e.preventDefault(); this.close(); }
      else if (this.input.value) { e.preventDefault(); this.input.value = ""; this.status.textContent = ""; }
    }
  };

  // La page recherche.html : tous les résultats de ?q=…, mis à jour pendant la frappe.
  function ResultsPage(box) {
    var form = box.querySelector(".recherche-page"), input = form && form.querySelector("input");
    var out = el("div", "rr-page"), status = el("p", "rr-statut");
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");
    out.appendChild(status);
    var list = el("ol", "rr-resultats");
    out.appendChild(list);
    box.insertBefore(out, form ? form.nextSibling : box.firstChild);
    if (form) form.hidden = false;
    var q = new URLSearchParams(window.location.search).get("q") || "";
    if (input) input.value = q;
    var seq = 0;
    function show(query) {
      var token = ++seq;
      list.textContent = "";
      if (query.trim().length < 2) { status.textContent = query.trim() ? "Tapez au moins deux lettres." : ""; return; }
      status.textContent = "Recherche…";
      load(function (eng) {
        if (!eng) { status.textContent = "La recherche n’est pas disponible."; return; }
        eng.search(query, PAGE_MAX, PAGE_STEP).then(function (r) {
          if (token !== seq) return;
          var matched = eng.matcher(r.terms), count = countLabel(r.total, r.atLeast);
          var label = r.corrected ? correctionLabel(r.corrected) + " (aucune page ne contient «\u202F" +
            r.terms.filter(function (t) { return t.fixed; }).map(function (t) { return query.slice(t.start, t.end); }).join(" ") +
            "\u202F»)\u00A0: " + count.toLowerCase() :
            count + " pour «\u202F" + query.trim() + "\u202F»";
          if (r.total > r.results.length) label += " (les " + r.results.length + " premiers sont proposés)";
          if (r.partial && r.total) label += "\u00A0: aucune page ne contient tous les mots, voici les plus proches";
          status.textContent = label + ".";
          list.textContent = "";
          more(eng, r, matched, 0);
        }, function () {
          if (token === seq) status.textContent = "La recherche n’est pas disponible.";
        });
      });
      // Les résultats de from à from + PAGE_STEP, puis un bouton pour les suivants.
      function more(eng, r, matched, from) {
        r.results.slice(from, from + PAGE_STEP).forEach(function (item) {
          var d = eng.describe(item, matched), li = el("li");
          li.appendChild(el("p", "rr-type", d.type));
          var h = el("h2"), a = el("a", null, d.title);
          a.href = resolve(d.href);
          if (d.section) {
            a.appendChild(document.createTextNode(" · "));
            d.section.forEach(function (p) {
              a.appendChild(p[1] ? el("mark", null, p[0]) : document.createTextNode(p[0]));
            });
          }
          h.appendChild(a);
          li.appendChild(h);
          if (d.snippet.length) li.appendChild(el("p", "rr-extrait", d.snippet));
          list.appendChild(li);
        });
        var next = from + PAGE_STEP;
        if (next >= r.results.length) return;
        var li = el("li", "rr-plus"), button = el("button", null, "Afficher les résultats suivants");
        button.type = "button";
        li.appendChild(button);
        list.appendChild(li);
        button.addEventListener("click", function () {
          button.disabled = true;
          eng.withTexts(r.results.slice(next, next + PAGE_STEP)).then(function () {
            if (token !== seq) return;
            li.remove();
            more(eng, r, matched, next);
            var first = list.children[next];
            if (first && first.querySelector) { var link = first.querySelector("a"); if (link) link.focus(); }
          }, function () { button.disabled = false; });
        });
      }
    }
    show(q);
    if (input) {
      var timer = 0;
      input.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(function () {
          var v = input.value;
          if (window.history && history.replaceState)
            history.replaceState(null, "", window.location.pathname + (v ? "?q=" + encodeURIComponent(v) : ""));
          show(v);
        }, 120);
      });
    }
  }

  function init() {
    addStyle();
    var fields = document.querySelectorAll("form.recherche-entete input[name=q]");
    for (var i = 0; i < fields.length; i++) new Combobox(fields[i]);
    // Le vocabulaire (quelques dizaines de ko) se charge quand la page n'a plus rien à faire :
    // la première frappe trouve le moteur prêt. Le reste de l'index attend les requêtes.
    // Sur un petit site, les listes d'occurrences aussi (PRELOAD_BYTES au plus) : la première frappe
    // n'attend plus que les textes de ses résultats.
    if (fields.length) {
      var idle = window.requestIdleCallback || function (f) { return setTimeout(f, 500); };
      idle(function () {
        load(function (eng) {
          if (!eng || eng.shardBytes + eng.docBytes > PRELOAD_BYTES) return;
          var names = new Set();
          for (var k = 0; k < eng.shards.length; k++) names.add("p" + k);
          for (k = 0; k < eng.fshards.length; k++) names.add("f" + k);
          for (k = 0; k < eng.docs.length; k++) names.add("d" + k);
          idle(function () { load.parts(names).catch(function () {}); }, {timeout: 2000});
        });
      }, {timeout: 2000});
    }
    var box = document.querySelector("[data-recherche]");
    if (box) ResultsPage(box);
  }

  // Pour les tests et les mesures (tests/browser, bench/search).
  window.FichesRecherche = {
    load: load,
    fold: fold,
    FOLD: FOLD,
    // Une promesse : les résultats, leurs textes chargés (describe les montre alors).
    search: function (q, limit) { return engine.search(q, limit || LISTBOX_MAX); },
    describe: function (r, i) { return engine.describe(r.results[i], engine.matcher(r.terms)); },
    engine: function () { return engine; }
  };

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
