from ansinh.cases.queries import case_rows, case_stage


def test_it_opens_a_case_for_its_circle_only(open_case, people):
    case = open_case()
    assert case_stage(case) == "new"
    assert [r.case for r in case_rows(people["worker_a"])] == [case]
    assert case_rows(people["worker_b"]) == []
