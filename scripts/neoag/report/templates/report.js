// neoag report: tables from the embedded data (gzip JSON, base64), client-side search,
// filters, sort, paging and a view per variant. No network. State is kept in the page;
// the URL hash selects the view (#candidates, #variants, #sample, #plots, #help,
// #variant=<variant_id>). On <body>, data-* attributes expose what is shown for tests.
(function () {
  'use strict';
  var body = document.body, D = null, candidates = [], variants = [], peptides = [], byVariant = {};
  var state = {query: '', tiers: null, gene: '', allele: '', minVaf: NaN, maxNm: NaN,
               sort: null, desc: false, page: 0, size: 50, columns: []};

  function rows(table) {
    var names = Object.keys(table), n = names.length ? table[names[0]].length : 0, out = new Array(n);
    for (var i = 0; i < n; i++) {
      var row = {};
      for (var j = 0; j < names.length; j++) row[names[j]] = table[names[j]][i];
      out[i] = row;
    }
    return out;
  }

  async function load() {
    var text = document.getElementById('data').textContent.trim();
    if (!text) return null;
    var bytes = Uint8Array.from(atob(text), function (c) { return c.charCodeAt(0); });
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return JSON.parse(await new Response(stream).text());
  }

  // A candidate's variant-level cells equal its variant's unless listed in D.inherited.
  function inherit() {
    var byId = {};
    variants.forEach(function (v) { byId[v.variant_id] = v; });
    Object.keys(D.inherited).forEach(function (name) {
      var own = D.inherited[name];
      candidates.forEach(function (row, i) {
        row[name] = Object.prototype.hasOwnProperty.call(own, i) ? own[i] : (byId[row.variant_id] || {})[name];
      });
    });
  }

  // '~' + residues: the mutant peptide with the wild-type residues at the mutated positions.
  function expandWt(row) {
    var wt = row.wt_peptide;
    if (typeof wt !== 'string' || wt.charAt(0) !== '~') return;
    var residues = row.mt_peptide.split(''), places = String(row.mutation_positions).split(',');
    for (var i = 0; i < places.length && i + 1 < wt.length; i++) residues[+places[i] - 1] = wt.charAt(i + 1);
    row.wt_peptide = residues.join('');
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === 'text') node.textContent = attrs[k]; else node.setAttribute(k, attrs[k]);
    });
    (children || []).forEach(function (c) { node.appendChild(c); });
    return node;
  }

  function show(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'boolean') return value ? 'yes' : 'no';
    return String(value);
  }

  function cell(name, value) {
    var td = el('td', {text: show(value)});
    if (typeof value === 'number') td.className = 'num';
    if (/peptide$/.test(name)) td.className = 'pep';
    if (name === 'tier' && value) td.className = 't-' + value;
    return td;
  }

  function header(table, names, sortable) {
    var tr = el('tr');
    names.forEach(function (name) {
      var th = el('th', {text: name, title: name + ': ' + (D.help[name] || ''), 'data-column': name});
      if (sortable && state.sort === name) th.className = state.desc ? 'desc' : 'asc';
      if (sortable) th.addEventListener('click', function () {
        state.desc = state.sort === name ? !state.desc : false; state.sort = name; state.page = 0; render();
      });
      tr.appendChild(th);
    });
    table.tHead.replaceChildren(tr);
  }

  function matches(row) {
    if (state.tiers && !state.tiers.has(row.tier)) return false;
    if (state.gene && String(row.gene_name).toLowerCase() !== state.gene.toLowerCase()) return false;
    if (state.allele && row.allele !== state.allele) return false;
    if (!isNaN(state.minVaf) && !(row.tumor_dna_vaf >= state.minVaf)) return false;
    if (!isNaN(state.maxNm) && !(row.mt_affinity_nm <= state.maxNm)) return false;
    if (state.query) {
      var q = state.query.toLowerCase();
      var text = [row.gene_name, row.mt_peptide, row.wt_peptide, row.protein_change, row.variant_id,
                  row.allele, row.transcript_id, row.consequence].join(' ').toLowerCase();
      if (text.indexOf(q) < 0) return false;
    }
    return true;
  }

  function compare(name) {
    return function (a, b) {
      var x = a[name], y = b[name], c;
      if (x === null || x === undefined || x === '') return 1;
      if (y === null || y === undefined || y === '') return -1;
      c = (typeof x === 'number' && typeof y === 'number') ? x - y : String(x).localeCompare(String(y));
      return state.desc ? -c : c;
    };
  }

  function render() {
    var shown = candidates.filter(matches);
    if (state.sort) shown.sort(compare(state.sort));
    var pages = Math.max(1, Math.ceil(shown.length / state.size));
    state.page = Math.min(state.page, pages - 1);
    var slice = shown.slice(state.page * state.size, (state.page + 1) * state.size);
    var table = document.getElementById('candidates');
    header(table, state.columns, true);
    var bodyRows = slice.map(function (row) {
      var tr = el('tr', {'data-variant': row.variant_id});
      state.columns.forEach(function (name) { tr.appendChild(cell(name, row[name])); });
      tr.addEventListener('click', function () { location.hash = 'variant=' + encodeURIComponent(row.variant_id); });
      return tr;
    });
    table.tBodies[0].replaceChildren.apply(table.tBodies[0], bodyRows);
    document.getElementById('page-info').textContent = 'Page ' + (state.page + 1) + ' of ' + pages + ' \u00b7 rows ' +
      (shown.length ? state.page * state.size + 1 : 0) + '\u2013' + (state.page * state.size + slice.length) +
      ' of ' + shown.length + ' matching (' + candidates.length + ' candidates)';
    document.getElementById('prev').disabled = state.page === 0;
    document.getElementById('next').disabled = state.page >= pages - 1;
    body.dataset.matching = shown.length; body.dataset.rows = slice.length;
    body.dataset.page = state.page + 1; body.dataset.pages = pages;
  }

  function bindControls() {
    var search = document.getElementById('search');
    search.addEventListener('input', function () { state.query = search.value.trim(); state.page = 0; render(); });
    document.querySelectorAll('#tier-filter input').forEach(function (box) {
      box.addEventListener('change', function () {
        state.tiers = new Set(Array.from(document.querySelectorAll('#tier-filter input:checked')).map(function (b) { return b.value; }));
        state.page = 0; render();
      });
    });
    [['gene', 'gene', String], ['allele', 'allele', String], ['min-vaf', 'minVaf', parseFloat], ['max-nm', 'maxNm', parseFloat]].forEach(function (spec) {
      var input = document.getElementById(spec[0]);
      var update = function () { state[spec[1]] = spec[2](input.value.trim()); state.page = 0; render(); };
      input.addEventListener('input', update); input.addEventListener('change', update);
    });
    document.getElementById('prev').addEventListener('click', function () { state.page = Math.max(0, state.page - 1); render(); });
    document.getElementById('next').addEventListener('click', function () { state.page += 1; render(); });
    document.getElementById('page-size').addEventListener('change', function (e) { state.size = +e.target.value; state.page = 0; render(); });
    document.getElementById('reset').addEventListener('click', function () {
      document.querySelectorAll('#controls input[type=search],#controls input[type=number],#gene').forEach(function (i) { i.value = ''; });
      document.querySelectorAll('#tier-filter input').forEach(function (b) { b.checked = true; });
      document.getElementById('allele').value = '';
      Object.assign(state, {query: '', tiers: null, gene: '', allele: '', minVaf: NaN, maxNm: NaN, page: 0}); render();
    });
  }

  function fillChoices() {
    var genes = Array.from(new Set(candidates.map(function (r) { return r.gene_name; }))).sort();
    var list = document.getElementById('genes');
    genes.forEach(function (g) { list.appendChild(el('option', {value: g})); });
    var select = document.getElementById('allele');
    D.alleles.forEach(function (a) { select.appendChild(el('option', {value: a, text: a})); });
    var chooser = document.getElementById('column-list');
    D.candidate_columns.forEach(function (name) {
      var box = el('input', {type: 'checkbox', value: name, id: 'col-' + name});
      box.checked = state.columns.indexOf(name) >= 0;
      box.addEventListener('change', function () {
        var all = D.candidate_columns;
        var chosen = new Set(Array.from(chooser.querySelectorAll('input:checked')).map(function (b) { return b.value; }));
        state.columns = all.filter(function (n) { return chosen.has(n); }); render();
      });
      chooser.appendChild(el('label', {title: D.help[name] || ''}, [box, document.createTextNode(' ' + name)]));
      chooser.appendChild(el('br'));
    });
  }

  var VARIANT_COLUMNS = ['tier', 'gene_name', 'protein_change', 'consequence', 'variant_id', 'tumor_dna_vaf',
    'tumor_rna_vaf', 'clonal', 'n_candidates', 'best_peptide', 'best_allele', 'best_mt_affinity_nm', 'reasons'];

  function renderVariants() {
    var table = document.getElementById('variants');
    if (!table.tBodies[0].rows.length) {
      header(table, VARIANT_COLUMNS, false);
      table.tBodies[0].replaceChildren.apply(table.tBodies[0], variants.map(function (row) {
        var tr = el('tr', {'data-variant': row.variant_id});
        VARIANT_COLUMNS.forEach(function (name) { tr.appendChild(cell(name, row[name])); });
        tr.addEventListener('click', function () { location.hash = 'variant=' + encodeURIComponent(row.variant_id); });
        return tr;
      }));
    }
  }

  function kv(pairs) {
    var dl = el('dl');
    pairs.forEach(function (p) { dl.appendChild(el('dt', {text: p[0], title: D.help[p[0]] || ''})); dl.appendChild(el('dd', {text: show(p[1])})); });
    return dl;
  }

  function smallTable(id, names, list) {
    var table = el('table', {id: id, 'class': 'data'}, [el('thead'), el('tbody')]);
    header(table, names, false);
    list.forEach(function (row) {
      var tr = el('tr');
      names.forEach(function (n) { tr.appendChild(cell(n, row[n])); });
      table.tBodies[0].appendChild(tr);
    });
    return el('div', {'class': 'scroll'}, [table]);
  }

  function reasonsText(reasons) {
    if (!reasons) return 'No soft criterion fails and every filter passes: Pass.';
    return reasons.split(',').map(function (r) {
      if (r.indexOf('filter:') === 0) return 'fails the filter ' + r.slice(7);
      return r + ': ' + D.criteria[r];
    }).join('; ') + '.';
  }

  function renderVariant(id) {
    var v = variants.find(function (r) { return r.variant_id === id; });
    var box = document.getElementById('variant-detail');
    if (!v) { box.replaceChildren(el('p', {text: 'No variant ' + id + ' in this report.'})); return; }
    var own = candidates.filter(function (r) { return r.variant_id === id; });
    var why = own.length ? reasonsText(v.reasons) : 'No peptide of this variant passes the filters; the table of alleles below gives each best peptide\'s filter failures.';
    var evidence = [['tumor DNA', 'tumor_dna'], ['normal DNA', 'normal_dna'], ['tumor RNA', 'tumor_rna']].map(function (s) {
      return {source: s[0], depth: v[s[1] + '_depth'], alt_count: v[s[1] + '_alt_count'], vaf: v[s[1] + '_vaf']};
    });
    var cards = el('div', {'class': 'cards'}, [
      el('div', {'class': 'card', id: 'variant-card'}, [el('h3', {text: 'Variant'}), kv([['variant_id', v.variant_id], ['variant_type', v.variant_type],
        ['gene_name', v.gene_name], ['transcript_id', v.transcript_id], ['consequence', v.consequence], ['protein_change', v.protein_change],
        ['annotation_flags', v.annotation_flags], ['cis_variants', v.cis_variants], ['trans_variants', v.trans_variants]])]),
      el('div', {'class': 'card', id: 'evidence-card'}, [el('h3', {text: 'Evidence (fragments)'}),
        smallTable('evidence', ['source', 'depth', 'alt_count', 'vaf'], evidence),
        kv([['gene_tpm', v.gene_tpm], ['transcript_tpm', v.transcript_tpm]])]),
      el('div', {'class': 'card', id: 'clonality-card'}, [el('h3', {text: 'Clonality'}), kv([['ccf', v.ccf], ['clonal', v.clonal],
        ['threshold', 'clonal when ccf >= ' + D.min_clonal_ccf + ' (without purity: VAF >= that times the highest somatic VAF)']])]),
      el('div', {'class': 'card', id: 'tier-card'}, [el('h3', {text: 'Tier: ' + (v.tier || 'none')}), el('p', {id: 'tier-why', text: why})])
    ]);
    var alleleRows = peptides.filter(function (r) { return r.variant_id === id; });
    var candidateColumns = ['rank', 'tier', 'mt_peptide', 'wt_peptide', 'allele', 'mt_affinity_nm', 'wt_affinity_nm', 'agretopicity', D.score, 'reasons'];
    box.replaceChildren(
      el('p', {}, [el('a', {href: '#candidates', text: '\u2190 back to the candidates'})]),
      el('h2', {id: 'variant-title', text: (v.gene_name || '') + ' ' + (v.protein_change || '') + ' (' + v.variant_id + ')'}),
      cards,
      el('h3', {text: 'Best peptide per allele: mutant vs wild type'}),
      smallTable('variant-peptides', ['allele', 'mt_peptide', 'wt_peptide', 'mutation_positions', 'mt_affinity_nm', 'wt_affinity_nm',
        'agretopicity', 'mt_affinity_percentile', 'mt_presentation_percentile', 'passes_filters', 'filter_reasons', 'tier'], alleleRows),
      el('h3', {text: 'Candidates from this variant (' + own.length + ')'}),
      smallTable('variant-candidates', candidateColumns, own));
    body.dataset.variant = id; body.dataset.variantPeptides = alleleRows.length; body.dataset.variantCandidates = own.length;
  }

  function route() {
    var hash = decodeURIComponent(location.hash.slice(1)) || 'candidates', view = hash;
    if (hash.indexOf('variant=') === 0) view = 'variant';
    document.querySelectorAll('section.view').forEach(function (s) { s.hidden = s.id !== 'view-' + view; });
    document.querySelectorAll('#tabs a').forEach(function (a) { a.classList.toggle('active', a.dataset.tab === view); });
    if (D && view === 'variant') renderVariant(hash.slice(8));
    if (D && view === 'variants') renderVariants();
    body.dataset.view = view;
    window.scrollTo(0, 0);
  }

  window.addEventListener('hashchange', route);
  window.addEventListener('load', function () {
    var images = Array.from(document.images);
    body.dataset.plots = images.filter(function (img) { return img.complete && img.naturalWidth > 0; }).length;
    load().then(function (data) {
      D = data;
      if (D) {
        variants = rows(D.variants); candidates = rows(D.candidates); peptides = rows(D.peptides);
        candidates.forEach(function (row, i) {
          if (typeof row.variant_id === 'number') row.variant_id = variants[row.variant_id].variant_id;
          if (!('rank' in row)) row.rank = i + 1;
        });
        inherit(); candidates.forEach(expandWt); peptides.forEach(expandWt);
        peptides.forEach(function (r) {
          r.agretopicity = (typeof r.wt_affinity_nm === 'number' && typeof r.mt_affinity_nm === 'number') ?
            Number((r.wt_affinity_nm / r.mt_affinity_nm).toPrecision(4)) : null;
        });
        state.columns = D.default_columns.filter(function (n) { return D.candidate_columns.indexOf(n) >= 0; });
        fillChoices(); bindControls(); render();
      }
      route();
      body.dataset.ready = 'yes';
    }).catch(function (error) {
      body.dataset.ready = 'error';
      document.querySelector('header').appendChild(el('div', {'class': 'warning', text: 'This browser could not read the embedded tables (' + error + '); open candidates.tsv instead.'}));
    });
  });
})();
