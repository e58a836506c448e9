/**
 * The custody vocabulary: words that would tell a reader of a document that
 * the learning happened in prison (DOMAIN.md, "Certificates without stigma").
 *
 * Each term is a sequence of whole words; each word is a regular expression
 * over a folded token (lower case, no diacritics, ё → е, й → и: see
 * `foldToken` in custody.ts), so a pattern lists the inflected forms it
 * means. Latvian and Russian words are inflected stems (`cietum…` covers
 * cietums, cietuma, cietumā, cietumos, cietumnieks); English words list
 * their forms, so that a name which merely begins like a custody word
 * ("Prisonia", "Customer service") is not refused.
 */
const L = '\\p{L}*';

export const CUSTODY_TERMS: ReadonlyArray<readonly string[]> = [
  // Latvian. The full name of the Prison Administration first (the longest match is reported).
  ['ieslodzijuma', 'vietu', `parvald${L}`],
  ['ieslodzijuma', `viet${L}`],
  [`ieslodzijum${L}`],
  [`ieslodzit${L}`],
  ['ievp'],
  // cietums and its compounds: Centrālcietums, cietumnieks
  [`${L}cietum${L}`],
  [`notiesat${L}`],
  [`apcietinat${L}`],
  ['brivibas', `atnemsan${L}`],
  // The juvenile institution (Cēsu audzināšanas iestāde nepilngadīgajiem)
  ['audzinasanas', `iestad${L}`],
  [`probacij${L}`],
  // English
  ['prisons?|prisoners?'],
  [`imprison${L}`],
  ['jails?|jailed|jailers?|jailhouses?|jailbirds?'],
  ['gaols?|gaoled|gaolers?'],
  ['custody|custodies|custodial'],
  ['inmates?'],
  ['penitentiary|penitentiaries'],
  ['correctional'],
  ['corrections?', 'facility|facilities|centres?|centers?|services?|departments?|institutions?'],
  [`incarcerat${L}`],
  ['convicts?|convicted'],
  ['detainees?|detention'],
  ['probation|probationary|probationers?'],
  ['borstals?'],
  ['offenders?'],
  // Russian (folded: ё → е, й → и)
  [`тюр(ь|е)м${L}`],
  [`заключенн${L}`],
  [`осужденн${L}`],
  ['колони(я|и|ю|еи|ях|ям|ями)'],
  [`исправительн${L}`],
  ['сизо'],
  [`пенитенциарн${L}`],
  [`арестант${L}`],
  [`зэк${L}`],
  ['под', `страж${L}`],
  [`лишени${L}`, `свобод${L}`],
  [`пробаци${L}`],
];
