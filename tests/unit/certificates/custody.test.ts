import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { checkCustody, findCustodyWord } from '../../../src/lib/server/certificates/custody.ts';
import { createPrison, type Prison } from '../../helpers/fixture.ts';

/**
 * The custody vocabulary: nothing printed on a document may say that the
 * learning happened in prison, in any language, inflected, in any case, typed
 * with or without diacritics.
 */

describe('the custody vocabulary', () => {
  test.each([
    // Latvian, inflected, with and without diacritics
    ['Olaines cietums', 'cietums'],
    ['Mācības cietumā', 'cietumā'],
    ['Mācības cietuma', 'cietuma'],
    ['CIETUMOS', 'CIETUMOS'],
    ['Rīgas Centrālcietumā', 'Centrālcietumā'],
    ['Kursi cietumniekiem', 'cietumniekiem'],
    ['Ieslodzījuma vietu pārvalde', 'Ieslodzījuma vietu pārvalde'],
    ['ieslodzijuma vietu parvaldes kursi', 'ieslodzijuma vietu parvaldes'],
    ['Apmācība ieslodzījuma vietā', 'ieslodzījuma vietā'],
    ['Ieslodzījuma vietas skola', 'Ieslodzījuma vietas'],
    ['Ieslodzītais Jānis', 'Ieslodzītais'],
    ['ieslodzītā', 'ieslodzītā'],
    ['IeVP mācību centrs', 'IeVP'],
    ['ievp', 'ievp'],
    ['Notiesāto izglītība', 'Notiesāto'],
    ['Brīvības atņemšanas iestāde', 'Brīvības atņemšanas'],
    // English
    ['Prison education trust', 'Prison'],
    ['For PRISONERS', 'PRISONERS'],
    ['Jail school', 'Jail'],
    ['HM Gaol', 'Gaol'],
    ['Custody services', 'Custody'],
    ['Custodial learning', 'Custodial'],
    ['Inmate training', 'Inmate'],
    ['State Penitentiary', 'Penitentiary'],
    ['Correctional centre', 'Correctional'],
    ['Corrections Department', 'Corrections Department'],
    // Russian, ё and е alike
    ['Тюрьма', 'Тюрьма'],
    ['обучение в тюрьме', 'тюрьме'],
    ['для тюрьмы', 'тюрьмы'],
    ['Тюремная школа', 'Тюремная'],
    ['заключённый', 'заключённый'],
    ['заключенный', 'заключенный'],
    ['ЗАКЛЮЧЁННОГО', 'ЗАКЛЮЧЁННОГО'],
    ['Колония', 'Колония'],
    ['в колонии', 'колонии'],
    ['Исправительное учреждение', 'Исправительное'],
    ['СИЗО № 1', 'СИЗО'],
    ['Места лишения свободы', 'лишения свободы'],
  ])('"%s" is refused for "%s"', (text, word) => {
    expect(findCustodyWord(text)).toBe(word);
  });

  test('tricks do not hide a word: look-alike Cyrillic letters, invisible characters, compatibility forms', () => {
    // "prisоn" with a Cyrillic о; "тюрьмa" with a Latin a
    expect(findCustodyWord('Skola prisоn')).toBe('prisоn');
    expect(findCustodyWord('тюрьмa')).toBe('тюрьмa');
    // A soft hyphen and a zero-width joiner inside the word
    expect(findCustodyWord('cie\u00ADtums')).toBe('cietums');
    expect(findCustodyWord('pri\u200Dson')).toBe('prison');
    // Full-width letters (NFKC) and decomposed diacritics (NFD input)
    expect(findCustodyWord('ＪＡＩＬ')).toBe('JAIL');
    expect(findCustodyWord('cietuma\u0304'.normalize('NFD'))).toBe('cietumā');
  });

  test.each([
    'Pavāra palīgs',
    'Dzīves skola',
    'Dzīves skola pirms atbrīvošanas',
    'Latviešu valoda darbam (A2)',
    'Cietā seguma ieklāšana',
    'Rokas lokmetināšana',
    'Olaines Mehānikas un tehnoloģijas koledža',
    'Pieaugušo izglītības centrs “Valoda”',
    'Customer service',
    'Prisonia Ltd',
    'Proofreading corrections',
    'Заключение договоров',
    'Колонка и колонна',
    'Профессиональная школа',
    'Žanna Ķēniņa',
  ])('no false positive on ordinary words: "%s"', (text) => {
    expect(findCustodyWord(text)).toBeNull();
  });

  test('a facility’s name is refused in any case ending, but a town’s name alone is not', () => {
    const facilities = ['Daugavgrīvas cietums', 'Jēkabpils Spārnu iestāde'];
    expect(findCustodyWord('Jēkabpils Spārnu iestādē', facilities)).toBe('Jēkabpils Spārnu iestādē');
    expect(findCustodyWord('JEKABPILS SPARNU IESTADES kursi', facilities)).toBe('JEKABPILS SPARNU IESTADES');
    expect(findCustodyWord('Jēkabpils Agrobiznesa koledža', facilities)).toBeNull();
    expect(findCustodyWord('Spārnu iestāde', facilities)).toBeNull();
  });
});

describe('checking the fields of a document', () => {
  let p: Prison & { cleanup: () => void };
  beforeEach(async () => {
    p = await createPrison();
  });
  afterEach(() => p.cleanup());

  test('the refusal names the first field and the word found; the facility table counts', () => {
    expect(checkCustody(p.db, { holderName: 'Žanna Ķēniņa', title: ['Pavāra palīgs', 'Cook’s assistant'], issuer: 'Valsts tehnikums' })).toBeNull();
    expect(checkCustody(p.db, { holderName: 'Žanna Ķēniņa', title: ['Pavāra palīgs', 'Course in custody'] })).toEqual({
      ok: false,
      code: 'certificate.custodyWord',
      field: 'title',
      word: 'custody',
    });
    // The fixture's facility B is Iļģuciema cietums; a new facility with a neutral name counts as soon as it exists.
    p.db.prepare("INSERT INTO facility (code, name, created_at, updated_at) VALUES ('ZAL', 'Zaļā māja', 'x', 'x')").run();
    expect(checkCustody(p.db, { issuer: 'Zaļās mājas mācību centrs' })).toEqual({ ok: false, code: 'certificate.custodyWord', field: 'issuer', word: 'Zaļās mājas' });
  });
});
