"""The owner invites staff by email; staff run listings and orders but not the venture itself."""

import re

from sqlalchemy import select

from storefront.models import Membership, Venture
from tests.helpers import PASSWORD, base, english, sign_in, sign_up, text


def invite(client, shop, email, outbox):
    response = client.post(f"/seller/ventures/{shop.venture.id}/staff", data={"email": email})
    assert response.status_code == 302
    return re.search(r"http://shop\.test(/seller/invitations/\S+)", outbox[-1].body).group(1)


def test_an_invited_person_becomes_staff(client, session, shop, owner, outbox):
    link = invite(client, shop, "Staff@Example.com", outbox)
    assert outbox[-1].to == ["Staff@Example.com"] and shop.venture.name in outbox[-1].subject
    client.post("/account/sign-out")
    sign_up(client, email="staff@example.com", name="박직원")
    response = client.get(link)
    assert response.status_code == 302
    membership = session.scalars(select(Membership).where(Membership.role == "staff")).one()
    assert (membership.venture_id, membership.user.email) == (shop.venture.id, "staff@example.com")
    assert client.get(f"/seller/ventures/{shop.venture.id}/products").status_code == 200
    assert client.get(f"/seller/ventures/{shop.venture.id}/staff").status_code == 404
    assert client.get(f"/seller/ventures/{shop.venture.id}/settings").status_code == 404


def test_an_invitation_works_only_for_its_email_and_only_if_genuine(
    client, session, shop, owner, outbox
):
    english(client)
    link = invite(client, shop, "staff@example.com", outbox)
    client.post("/account/sign-out")
    sign_up(client, email="someone.else@example.com")
    wrong = client.get(link)
    assert wrong.status_code == 400 and "another email address" in text(wrong)
    forged = client.get("/seller/invitations/not-a-real-token")
    assert forged.status_code == 400 and "does not work" in text(forged)
    assert session.scalars(select(Membership).where(Membership.role == "staff")).first() is None


def test_the_owner_removes_staff_but_not_themself(client, session, shop, owner, outbox):
    from storefront.services import accounts

    helper = accounts.sign_up(session, "helper@example.com", "도우미", PASSWORD)
    session.add(Membership(user_id=helper.id, venture_id=shop.venture.id, role="staff"))
    session.commit()
    staff_page = text(client.get(f"/seller/ventures/{shop.venture.id}/staff"))
    assert "helper@example.com" in staff_page
    member_id = session.scalars(select(Membership.id).where(Membership.role == "staff")).one()
    own_id = session.scalars(select(Membership.id).where(Membership.role == "owner")).one()
    url = f"/seller/ventures/{shop.venture.id}/staff"
    assert client.post(f"{url}/{member_id}/remove").status_code == 302
    assert member_id not in set(session.scalars(select(Membership.id)))
    client.post(f"{url}/{own_id}/remove")
    assert own_id in set(session.scalars(select(Membership.id)))


def test_bad_invitation_emails_are_refused(client, shop, owner, outbox):
    response = client.post(
        f"/seller/ventures/{shop.venture.id}/staff", data={"email": "not-an-email"}
    )
    assert response.status_code == 400 and outbox == []


def test_removed_staff_cannot_come_back_with_the_old_invitation(
    client, session, shop, owner, outbox
):
    client.post(f"{base(shop)}/staff", data={"email": "staff@example.com"})
    link = re.search(r"http://shop\.test(/seller/invitations/\S+)", outbox[-1].body).group(1)
    client.post("/account/sign-out")
    sign_up(client, email="staff@example.com")
    assert client.get(link).status_code == 302
    member_id = session.scalars(select(Membership.id).where(Membership.role == "staff")).one()
    client.post("/account/sign-out")
    sign_in(client)
    client.post(f"{base(shop)}/staff/{member_id}/remove")
    client.post("/account/sign-out")
    sign_in(client, email="staff@example.com")
    assert client.get(link).status_code == 400
    assert client.get(f"{base(shop)}/products").status_code == 404


def test_a_pending_venture_cannot_send_invitations(client, session, shop, owner, outbox):
    session.get(Venture, shop.venture.id).status = "pending"
    session.commit()
    client.post(f"{base(shop)}/staff", data={"email": "staff@example.com"})
    assert outbox == []


def test_staff_do_not_see_owner_only_links(client, session, shop):
    from storefront.services import accounts

    english(client)
    helper = accounts.sign_up(session, "helper@example.com", "도우미", PASSWORD)
    session.add(Membership(user_id=helper.id, venture_id=shop.venture.id, role="staff"))
    session.commit()
    sign_in(client, email="helper@example.com")
    page = text(client.get(f"{base(shop)}/products"))
    assert f"{base(shop)}/staff" not in page and f"{base(shop)}/settings" not in page
