//! The tonic service: each method hands its call to the handler of its
//! resource. CreateNotification, for other services, answers UNIMPLEMENTED
//! until one needs it (the generated default).

use otmetka_platform::grpc::{Reply, handle};
use otmetka_proto::messaging::v1 as pb;
use otmetka_proto::messaging::v1::messaging_service_server::MessagingService;
use tonic::Request;

use super::notifications::{self, NotificationStream};
use super::{
    MessagingApi, announcements, invitations, meeting_changes, meetings, messages, settings,
    threads,
};

#[tonic::async_trait]
impl MessagingService for MessagingApi {
    async fn create_thread(
        &self,
        request: Request<pb::CreateThreadRequest>,
    ) -> Reply<pb::CreateThreadResponse> {
        handle(request, |c, m| threads::create_thread(self, c, m)).await
    }
    async fn get_thread(
        &self,
        request: Request<pb::GetThreadRequest>,
    ) -> Reply<pb::GetThreadResponse> {
        handle(request, |c, m| threads::get_thread(self, c, m)).await
    }
    async fn list_threads(
        &self,
        request: Request<pb::ListThreadsRequest>,
    ) -> Reply<pb::ListThreadsResponse> {
        handle(request, |c, m| threads::list_threads(self, c, m)).await
    }
    async fn archive_thread(
        &self,
        request: Request<pb::ArchiveThreadRequest>,
    ) -> Reply<pb::ArchiveThreadResponse> {
        handle(request, |c, m| threads::archive_thread(self, c, m)).await
    }
    async fn create_thread_message(
        &self,
        request: Request<pb::CreateThreadMessageRequest>,
    ) -> Reply<pb::CreateThreadMessageResponse> {
        handle(request, |c, m| messages::create_thread_message(self, c, m)).await
    }
    async fn list_thread_messages(
        &self,
        request: Request<pb::ListThreadMessagesRequest>,
    ) -> Reply<pb::ListThreadMessagesResponse> {
        handle(request, |c, m| messages::list_thread_messages(self, c, m)).await
    }
    async fn mark_thread_read(
        &self,
        request: Request<pb::MarkThreadReadRequest>,
    ) -> Reply<pb::MarkThreadReadResponse> {
        handle(request, |c, m| threads::mark_thread_read(self, c, m)).await
    }
    async fn get_unread_counts(
        &self,
        request: Request<pb::GetUnreadCountsRequest>,
    ) -> Reply<pb::GetUnreadCountsResponse> {
        handle(request, |c, m| threads::get_unread_counts(self, c, m)).await
    }
    async fn create_announcement(
        &self,
        request: Request<pb::CreateAnnouncementRequest>,
    ) -> Reply<pb::CreateAnnouncementResponse> {
        handle(request, |c, m| {
            announcements::create_announcement(self, c, m)
        })
        .await
    }
    async fn get_announcement(
        &self,
        request: Request<pb::GetAnnouncementRequest>,
    ) -> Reply<pb::GetAnnouncementResponse> {
        handle(request, |c, m| announcements::get_announcement(self, c, m)).await
    }
    async fn list_announcements(
        &self,
        request: Request<pb::ListAnnouncementsRequest>,
    ) -> Reply<pb::ListAnnouncementsResponse> {
        handle(request, |c, m| {
            announcements::list_announcements(self, c, m)
        })
        .await
    }
    async fn update_announcement(
        &self,
        request: Request<pb::UpdateAnnouncementRequest>,
    ) -> Reply<pb::UpdateAnnouncementResponse> {
        handle(request, |c, m| {
            announcements::update_announcement(self, c, m)
        })
        .await
    }
    async fn delete_announcement(
        &self,
        request: Request<pb::DeleteAnnouncementRequest>,
    ) -> Reply<pb::DeleteAnnouncementResponse> {
        handle(request, |c, m| {
            announcements::delete_announcement(self, c, m)
        })
        .await
    }
    async fn mark_announcements_read(
        &self,
        request: Request<pb::MarkAnnouncementsReadRequest>,
    ) -> Reply<pb::MarkAnnouncementsReadResponse> {
        handle(request, |c, m| {
            announcements::mark_announcements_read(self, c, m)
        })
        .await
    }
    async fn list_notifications(
        &self,
        request: Request<pb::ListNotificationsRequest>,
    ) -> Reply<pb::ListNotificationsResponse> {
        handle(request, |c, m| {
            notifications::list_notifications(self, c, m)
        })
        .await
    }
    async fn mark_notifications_read(
        &self,
        request: Request<pb::MarkNotificationsReadRequest>,
    ) -> Reply<pb::MarkNotificationsReadResponse> {
        handle(request, |c, m| {
            notifications::mark_notifications_read(self, c, m)
        })
        .await
    }
    async fn acknowledge_notifications(
        &self,
        request: Request<pb::AcknowledgeNotificationsRequest>,
    ) -> Reply<pb::AcknowledgeNotificationsResponse> {
        handle(request, |c, m| {
            notifications::acknowledge_notifications(self, c, m)
        })
        .await
    }
    async fn get_notification_settings(
        &self,
        request: Request<pb::GetNotificationSettingsRequest>,
    ) -> Reply<pb::GetNotificationSettingsResponse> {
        handle(request, |c, m| {
            settings::get_notification_settings(self, c, m)
        })
        .await
    }
    async fn update_notification_settings(
        &self,
        request: Request<pb::UpdateNotificationSettingsRequest>,
    ) -> Reply<pb::UpdateNotificationSettingsResponse> {
        handle(request, |c, m| {
            settings::update_notification_settings(self, c, m)
        })
        .await
    }
    async fn watch_notifications(
        &self,
        request: Request<pb::WatchNotificationsRequest>,
    ) -> Reply<NotificationStream> {
        handle(request, |c, m| {
            notifications::watch_notifications(self, c, m)
        })
        .await
    }
    async fn create_parent_meeting(
        &self,
        request: Request<pb::CreateParentMeetingRequest>,
    ) -> Reply<pb::CreateParentMeetingResponse> {
        handle(request, |c, m| meetings::create_parent_meeting(self, c, m)).await
    }
    async fn get_parent_meeting(
        &self,
        request: Request<pb::GetParentMeetingRequest>,
    ) -> Reply<pb::GetParentMeetingResponse> {
        handle(request, |c, m| meetings::get_parent_meeting(self, c, m)).await
    }
    async fn list_parent_meetings(
        &self,
        request: Request<pb::ListParentMeetingsRequest>,
    ) -> Reply<pb::ListParentMeetingsResponse> {
        handle(request, |c, m| meetings::list_parent_meetings(self, c, m)).await
    }
    async fn update_parent_meeting(
        &self,
        request: Request<pb::UpdateParentMeetingRequest>,
    ) -> Reply<pb::UpdateParentMeetingResponse> {
        handle(request, |c, m| {
            meeting_changes::update_parent_meeting(self, c, m)
        })
        .await
    }
    async fn cancel_parent_meeting(
        &self,
        request: Request<pb::CancelParentMeetingRequest>,
    ) -> Reply<pb::CancelParentMeetingResponse> {
        handle(request, |c, m| {
            meeting_changes::cancel_parent_meeting(self, c, m)
        })
        .await
    }
    async fn list_meeting_invitations(
        &self,
        request: Request<pb::ListMeetingInvitationsRequest>,
    ) -> Reply<pb::ListMeetingInvitationsResponse> {
        handle(request, |c, m| {
            invitations::list_meeting_invitations(self, c, m)
        })
        .await
    }
    async fn reply_meeting_invitation(
        &self,
        request: Request<pb::ReplyMeetingInvitationRequest>,
    ) -> Reply<pb::ReplyMeetingInvitationResponse> {
        handle(request, |c, m| {
            invitations::reply_meeting_invitation(self, c, m)
        })
        .await
    }
}
