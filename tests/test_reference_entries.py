"""Bibliography entries are told from prose that merely cites a year."""

from __future__ import annotations

from kb.reference_entries import reference_entries, within_entries

REFERENCES = """Singapore, Ministry of Trade and Industry. 1998. Report of the Committee on Singapore’s Competitiveness. Singapore: Government of Singapore.

Tan, S., and H. Y. Tay. 2022. “Singapore to Launch New Work Pass; $30k Monthly Pay among Criteria.” Straits Times, August 29, 2022.
https://www.straitstimes.com/singapore/jobs/new-work-pass

Smith, J. A. (2020). Labour migration in Asia. Geneva: IOM.
"""

PROSE = """The levy was introduced in 1980. 2022 saw the highest intake.

As IOM (2020). noted, returns rose.

Pasal 5 Undang-Undang Nomor 18 Tahun 2017. Setiap Pekerja Migran berhak atas pelindungan.
"""


def test_author_date_entries_are_found_with_their_following_lines():
    entries = reference_entries(REFERENCES)
    assert len(entries) == 3
    assert within_entries("Singapore: Government of Singapore.", entries)
    assert within_entries("“Singapore to Launch New Work Pass; $30k Monthly Pay among Criteria.”", entries)
    assert any("straitstimes" in entry for entry in entries)


def test_prose_citing_years_is_not_an_entry():
    assert reference_entries(PROSE) == []
    assert not within_entries("The levy was introduced in 1980.", reference_entries(REFERENCES))
